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


def answer_problems(spec: dict, method: str, path: str, response) -> list[str]:
    """What in an answer the document does not say: an undocumented status code, a body that is not JSON,
    a body that does not match the documented schema (OpenAPI 3.0: nullable, formats such as date-time)."""
    from openapi_schema_validator import OAS30Validator, oas30_format_checker

    where = f"{method.upper()} {path} {response.status_code}"
    documented = spec["paths"][path][method]["responses"]
    answer = documented.get(str(response.status_code))
    if answer is None:
        return [f"{where}: undocumented status (documented: {sorted(documented)})"]
    if "$ref" in answer:
        answer = spec["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
    content = answer.get("content")
    if not content:
        return [] if not response.data else [f"{where}: a body where none is documented"]
    if response.mimetype != "application/json":
        return [f"{where}: {response.mimetype}, documented application/json"]
    schema = {**content["application/json"]["schema"], "components": spec["components"]}
    validator = OAS30Validator(schema, format_checker=oas30_format_checker)
    return [f"{where}: {error.message} at {'/'.join(map(str, error.absolute_path))}"
            for error in validator.iter_errors(response.json)][:5]
