"""The text a new recipe starts from, in the shape of the French "recettes libres".

A recipe of a local initiative answers the same questions wherever it was written: what it is, why
start one, what to know first (time, difficulty, costs), what is needed, the steps, how other places
adapted it. Each section comes with a short hint in italics that the author replaces. There is a French
and an English version; French is the default.

There is no licence section: the licence is chosen beside the text and the page states it with its
attribution, so a sentence in the text could only come to contradict it (another licence chosen, or a
moderator's relicensing later).
"""

from __future__ import annotations

STARTER_FR = """\
## Présentation

*Décrivez l'initiative en quelques phrases : de quoi s'agit-il, pour qui, où ?*

## Résumé

*L'essentiel en une phrase, pour qui découvre la recette.*

## Pourquoi se lancer

*Ce que l'initiative apporte aux personnes qui y participent et au quartier.*

## À savoir avant de se lancer

- **Durée :** *par exemple une soirée de préparation et trois heures sur place*
- **Difficulté :** *facile, moyenne ou difficile, et pourquoi*
- **Coûts :** *matériel, salle, assurance… et comment les couvrir*

## De quoi a-t-on besoin

*Le lieu, le matériel, les personnes et les savoir-faire.*

## Étapes

1. *Première étape : ce qu'il faut faire, qui le fait, combien de temps avant.*
2. *Étape suivante…*

## Variantes locales

*Comment d'autres régions ont adapté la recette ; citez une recette avec `[[Titre de la recette]]`.*
"""

STARTER_EN = """\
## Overview

*Describe the initiative in a few sentences: what it is, who it is for, where it happens.*

## Summary

*The gist in one sentence, for someone discovering the recipe.*

## Why get started

*What the initiative brings to the people who take part and to the neighbourhood.*

## Good to know before starting

- **Time:** *for instance an evening of preparation and three hours on the day*
- **Difficulty:** *easy, medium or hard, and why*
- **Costs:** *equipment, room, insurance… and how to cover them*

## What you need

*The place, the equipment, the people and the skills.*

## Steps

1. *First step: what to do, who does it, how long beforehand.*
2. *Next step…*

## Local variants

*How other regions adapted the recipe; cite a recipe with `[[Recipe title]]`.*
"""

STARTERS = {"fr": STARTER_FR, "en": STARTER_EN}


def starter_text(language: str) -> str:
    """Return the starter template of a new recipe in ``language`` (French when unknown)."""
    return STARTERS.get(language, STARTER_FR)
