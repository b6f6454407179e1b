"""The application's routes for tests that walk them all: their URLs with each argument filled."""
import re
from urllib.parse import quote

HUGE = str(10**30)
_ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")


def get_routes(app) -> list:
    """Every rule that answers GET, in URL order."""
    return sorted((rule for rule in app.url_map.iter_rules() if "GET" in rule.methods), key=lambda rule: rule.rule)


def urls_of(rule, ids: dict) -> list[str]:
    """The rule's URL with each argument filled, first with ids that exist (`ids`: argument name → id), then
    0, 2^31 and 10^30; each choice of an `any`; for a string, usual values and bad ones (NUL, 3,000 bytes)."""

    def fill(index):
        def value(match):
            converter, options, name = match.groups()
            if converter == "int":
                return str([ids.get(name, 1), 0, 2**31, HUGE][index])
            if converter == "any":
                choices = [choice.strip(" '\"") for choice in options.split(",")]
                return choices[index % len(choices)]
            return quote(["people", "app.css", "\x00", "x" * 3000][index], safe="")
        return value

    return list(dict.fromkeys(_ARGUMENT.sub(fill(index), rule.rule) for index in range(4)))
