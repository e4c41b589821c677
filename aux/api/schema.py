"""drf-spectacular postprocessing: every operation documents the shared error responses.

Any API call can answer 400 (bad input), 401/403 (not signed in / not allowed), 404 (no such
object, or not yours), 409 (not in the current state) and 429 (throttled), all with the one error
shape of aux/api/exceptions.py. Writing them on each view by hand drifts; this hook adds them
where a view did not describe them itself, so the schema tells the truth (schemathesis checks).
"""

import copy
import json

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
# Only where the operation takes a body: a body in a type it does not read.
BODY_ERROR_RESPONSES = {"415": "Unsupported media type: send one of the request body's types"}
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
            errors = dict(ERROR_RESPONSES)
            if "requestBody" in operation:
                errors.update(BODY_ERROR_RESPONSES)
            for code, description in errors.items():
                response = responses.setdefault(code, {"description": description})
                response.setdefault("content", content)
    return result


# What DRF's CharField (and Django's forms.CharField under django-filter) refuses before any
# rule of ours: NUL characters and, unless blank is allowed, a value that is only whitespace (it
# is stripped first, then found blank). Python's str.strip() set, written out so the pattern means
# the same to any regex engine. (Lone surrogates are refused too; generators never send them.)
_WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_REFUSED = r"\x00"
NO_NUL_PATTERN = f"^[^{_REFUSED}]*$"
NOT_BLANK_PATTERN = f"^[^{_REFUSED}]*[^{_REFUSED}{_WHITESPACE}][^{_REFUSED}]*$"
# One line of printable text that is not blank: no control character (Unicode category Cc) at all,
# e.g. a brand name (brands/validators.py).
_CONTROL = r"\x00-\x1f\x7f-\x9f"
ONE_LINE_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}{_WHITESPACE}][^{_CONTROL}]*$"
# A blank query value is the same as no value: the shared FilterSets skip it (an HTML form's
# "any"), and DRF's pagination reads a blank page as the first.
BLANK = {"type": "string", "maxLength": 0}


# What Django's URLValidator and EmailValidator accept is narrower than JSON Schema's `uri` and
# `email` formats (a top-level domain of 2+ letters, labels of at most 63 characters, http(s) or
# ftp(s), a host name of at most 253 characters); these patterns are inside both, so a value they
# allow is accepted.
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = rf"(?:{_LABEL}\.){{1,2}}[A-Za-z]{{2,63}}"
FORMAT_PATTERNS = {
    "uri": rf"^(?:https?|ftps?)://{_HOST}(?:[/?#][A-Za-z0-9._~:/?#@!$&'()*+,;=%-]*)?$",
    "email": rf"^[A-Za-z0-9._%+-]{{1,64}}@{_HOST}$",
}


def _tell_string_rules(node) -> None:
    """Add the character rules above to every free-text string of a request schema."""
    if isinstance(node, list):
        for sub in node:
            _tell_string_rules(sub)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and node.get("format") == "binary":
        node.setdefault("minLength", 1)  # DRF's FileField refuses an empty file
    elif node.get("type") == "string" and "enum" not in node and "pattern" not in node:
        if node.get("format") in FORMAT_PATTERNS:
            node["pattern"] = FORMAT_PATTERNS[node["format"]]
        else:
            node["pattern"] = NOT_BLANK_PATTERN if node.get("minLength", 0) >= 1 else NO_NUL_PATTERN
    for key in ("properties", "additionalProperties", "items", "anyOf", "oneOf", "allOf"):
        sub = node.get(key)
        if isinstance(sub, dict) and key == "properties":
            _tell_string_rules(list(sub.values()))
        elif sub is not None:
            _tell_string_rules(sub)


def _query_parameter(schema: dict) -> dict:
    if schema.get("type") == "array":
        return schema
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        return {**schema, "pattern": NO_NUL_PATTERN}
    return {"anyOf": [schema, dict(BLANK)]}


def _is_file(schema: dict) -> bool:
    return schema.get("format") == "binary" or schema.get("items", {}).get("format") == "binary"


FORM_TYPES = {"multipart/form-data", "application/x-www-form-urlencoded"}


def _form_value(prop: dict, required: bool) -> dict:
    """A form cannot write null: a blank value is null for a nullable field, and for an optional
    one the same as leaving it out (DRF's Field.get_value on form input)."""
    if _is_file(prop):  # a file part, or none
        return {key: value for key, value in prop.items() if key != "nullable"}
    if prop.get("nullable") or (not required and prop.get("type") not in ("array", "object")):
        prop = {key: value for key, value in prop.items() if key != "nullable"}
        return {"anyOf": [prop, dict(BLANK)]}
    for key in ("oneOf", "anyOf"):
        if any(sub.get("$ref", "").endswith("/NullEnum") for sub in prop.get(key, [])):
            subs = [sub for sub in prop[key] if not sub.get("$ref", "").endswith("/NullEnum")]
            return {**prop, key: [*subs, dict(BLANK)]}
    return prop


def _body_variant(body: dict, schemas: dict) -> None:
    """Files travel only in multipart (a string elsewhere is refused as "not a file"), and a
    form (multipart or url-encoded) writes null as blank: each body type gets the fields it
    can really carry."""
    for media_type, content in body.get("content", {}).items():
        name = content.get("schema", {}).get("$ref", "").rpartition("/")[2]
        component = schemas.get(name, {})
        properties = component.get("properties", {})
        files = [] if media_type == "multipart/form-data" else [
            key for key, prop in properties.items() if _is_file(prop)
        ]  # fmt: skip
        form = media_type in FORM_TYPES
        required = set(component.get("required", []))
        changed = {
            key: _form_value(prop, key in required) for key, prop in properties.items() if form
        }
        changed = {key: prop for key, prop in changed.items() if prop != properties[key]}
        if not files and not changed:
            continue
        suffix = ("NoFile" if files else "") + ("Form" if changed else "")
        variant = f"{name.removesuffix('Request')}{suffix}Request"
        if variant not in schemas:
            copy = json.loads(json.dumps(component))
            copy["properties"].update(changed)
            for key in files:
                del copy["properties"][key]
            if "required" in copy:
                copy["required"] = [key for key in copy["required"] if key not in files]
            schemas[variant] = copy
        content["schema"] = {"$ref": f"#/components/schemas/{variant}"}


# Rules across fields, by request component (before "Request"): at least one of these fields,
# with what makes it count. A message needs text or a file, a submitted deliverable a note, a
# link or a file (campaigns.bookings.services).
AT_LEAST_ONE = {
    "MessageInput": {
        "body": {"minLength": 1, "pattern": NOT_BLANK_PATTERN},
        "attachments": {"minItems": 1},
    },
    "SubmitInput": {
        "note": {"minLength": 1, "pattern": NOT_BLANK_PATTERN},
        "links": {"minItems": 1},
        "attachments": {"minItems": 1},
    },
}


def _at_least_one(schemas: dict) -> None:
    for base, fields in AT_LEAST_ONE.items():
        for name, component in schemas.items():
            if not (name.startswith(base) and name.endswith("Request")):
                continue
            present = [key for key in fields if key in component.get("properties", {})]
            if len(present) == 1:  # e.g. JSON, which carries no file: the text is required
                key = present[0]
                component.setdefault("required", []).append(key)
                component["properties"][key].update(fields[key])
            elif present:
                component["anyOf"] = [
                    {"required": [key], "properties": {key: fields[key]}} for key in present
                ]


def _merge(into: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def tell_validation_rules(result, generator, request, public):
    """The input rules every view shares, in the schema (schemathesis: good data accepted)."""
    # Copied: the dicts of extend_schema_field() annotations are shared between generations.
    result = copy.deepcopy(result)
    schemas = result.get("components", {}).get("schemas", {})
    # A serializer may state a rule across its fields: `openapi_extra()` returns schema keywords
    # added to its component (drf-spectacular's registry maps components to serializers).
    for component in getattr(generator.registry, "_components", {}).values():
        extra = getattr(component.object, "openapi_extra", None)
        if callable(extra) and component.name in schemas:
            _merge(schemas[component.name], extra())
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method in METHODS and "requestBody" in operation:
                _body_variant(operation["requestBody"], schemas)
    for name, component in schemas.items():
        if name.endswith("Request"):
            _tell_string_rules(component)
    _at_least_one(schemas)
    for name, component in schemas.items():
        # Every serializer refuses a field it does not know (aux/api/serializers.py).
        if name.endswith("Request"):
            component["additionalProperties"] = False
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and "schema" in parameter:
                    parameter["schema"] = _query_parameter(parameter["schema"])
    return result
