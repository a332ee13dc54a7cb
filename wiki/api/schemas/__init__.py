"""What each JSON API endpoint takes and answers, as pydantic models, one module per area.

``wiki.api.spec.endpoint`` validates requests with them and generates ``/api/v1/openapi.json`` from
them. Request models name the fields a client may send (other fields are ignored); answer models name
the fields the contract promises and allow more, so that an answer may grow a field without breaking
clients. ``common`` holds what several areas share: the ``Error`` answer, slugs, numbers, times.
"""
