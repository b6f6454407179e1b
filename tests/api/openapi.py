"""Reading the API's own OpenAPI document: its operations, with their URLs filled."""
import re

METHODS = ("get", "post", "put", "patch", "delete")


def operations(spec: dict) -> list[tuple[str, str, dict]]:
    """(method, path template, operation) of every operation of the document."""
    return [(method, path, operation) for path, item in spec["paths"].items() for method, operation in item.items()
            if method in METHODS]


def fill(path: str, ids: dict) -> str:
    """The path with each {name} replaced by the id of that name (1 when unknown)."""
    return re.sub(r"\{(\w+)\}", lambda match: str(ids.get(match.group(1), 1)), path)


def body_schema(spec: dict, operation: dict) -> dict | None:
    """The JSON schema of an operation's request body, references resolved one level."""
    content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
    if not content:
        return None
    return resolve(spec, content["schema"])


def resolve(spec: dict, schema: dict) -> dict:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        return spec["components"]["schemas"][name]
    return schema


def query_names(operation: dict) -> list[str]:
    return [parameter["name"] for parameter in operation.get("parameters", []) if parameter.get("in") == "query"]
