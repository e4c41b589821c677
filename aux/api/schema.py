"""drf-spectacular postprocessing: every operation documents the shared error responses.

Any API call can answer 400 (bad input), 401/403 (not signed in / not allowed), 404 (no such
object, or not yours), 409 (not in the current state) and 429 (throttled), all with the one error
shape of aux/api/exceptions.py. Writing them on each view by hand drifts; this hook adds them
where a view did not describe them itself, so the schema tells the truth (schemathesis checks).
"""

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "errors"],
}
ERROR_RESPONSES = {
    "400": "Invalid input: {detail, errors: {field: [messages]}}",
    "401": "Authentication credentials were not valid",
    "403": "Not signed in, or not allowed to do this",
    "404": "No such object (or not visible to you)",
    "409": "Not allowed in the object's current state",
    "429": "Too many requests: slow down",
}
METHODS = {"get", "put", "patch", "post", "delete", "head", "options"}


def add_error_responses(result, generator, request, public):
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", content)
    return result
