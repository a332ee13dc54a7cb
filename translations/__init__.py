"""The interface's message catalogues; installed as the package ``wiki.translations``.

``<language>/LC_MESSAGES/messages.po`` is written by people; the build compiles it to ``messages.mo``.
"""
