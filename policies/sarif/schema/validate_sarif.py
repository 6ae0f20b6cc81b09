#!/usr/bin/env python3
"""Validates SARIF logs against the SARIF 2.1.0 JSON schema beside this script.

usage: validate_sarif.py LOG...

Exit 0 when every log is valid; 1 with every error printed (one a line,
"LOG: $.json.path: message") when one is not; 2 when a log cannot be read or
the validator is missing (Debian: python3-jsonschema).

jsonschema checks "format" only with optional packages, so the formats the
schema uses (uri, uri-reference, date-time, uuid) are checked here (RFC 3986
and RFC 3339 by their grammar). Beyond the schema it checks what the SARIF
2.1.0 text requires and a schema cannot say: a result's ruleIndex names the
rule whose id is its ruleId (3.27.6), and a uriBaseId is defined in the
run's originalUriBaseIds (3.4.4, 3.14.14) by an absolute URI ending in "/".
"""
import json
import pathlib
import re
import sys

try:
    import jsonschema
except ImportError:
    print("validate_sarif.py: the jsonschema module is missing (Debian: apt-get install python3-jsonschema)")
    sys.exit(2)

SCHEMA = pathlib.Path(__file__).with_name("sarif-schema-2.1.0.json")

_URI_CHARS = r"(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})*"
_SCHEME = r"[A-Za-z][A-Za-z0-9+.\-]*:"
URI = re.compile("^" + _SCHEME + _URI_CHARS + "$")
# A relative reference may not have a ':' before its first '/', '?' or '#' (RFC 3986 4.2).
URI_REFERENCE = re.compile("^(?:" + _SCHEME + _URI_CHARS + "|(?![^/?#]*:)" + _URI_CHARS + ")$")
DATE_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$")
UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


def format_checker():
    checker = jsonschema.FormatChecker(formats=())
    for name, pattern in (("uri", URI), ("uri-reference", URI_REFERENCE), ("date-time", DATE_TIME), ("uuid", UUID)):
        checker.checks(name)(lambda value, pattern=pattern: not isinstance(value, str) or bool(pattern.match(value)))
    return checker


def spec_errors(log):
    """What SARIF 2.1.0 requires beyond its schema, as (json path, message)."""
    for r, run in enumerate(log.get("runs") or []):
        rules = ((run.get("tool") or {}).get("driver") or {}).get("rules") or []
        base_ids = run.get("originalUriBaseIds") or {}
        for name, location in base_ids.items():
            uri = (location or {}).get("uri", "")
            if not URI.match(uri) or not uri.endswith("/"):
                yield (f"$.runs[{r}].originalUriBaseIds.{name}.uri",
                       f"{uri!r} is not an absolute URI ending in '/'")
        for i, result in enumerate(run.get("results") or []):
            where = f"$.runs[{r}].results[{i}]"
            index = result.get("ruleIndex", -1)
            if index >= 0:
                if index >= len(rules):
                    yield (f"{where}.ruleIndex", f"{index} is past the {len(rules)} rules of the driver")
                elif "ruleId" in result and rules[index].get("id") != result["ruleId"]:
                    yield (f"{where}.ruleId", f"{result['ruleId']!r} is not the id of rule {index} "
                                              f"({rules[index].get('id')!r})")
            for l, location in enumerate(result.get("locations") or []):
                artifact = (location.get("physicalLocation") or {}).get("artifactLocation") or {}
                base = artifact.get("uriBaseId")
                if base is not None and base not in base_ids:
                    yield (f"{where}.locations[{l}].physicalLocation.artifactLocation.uriBaseId",
                           f"{base!r} is not defined in the run's originalUriBaseIds")


def main(paths):
    if not paths:
        print(__doc__.strip().splitlines()[2])
        return 2
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=format_checker())
    failed = False
    for path in paths:
        try:
            log = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            print(f"{path}: cannot read: {e}")
            return 2
        errors = sorted(validator.iter_errors(log), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors:
            failed = True
            print(f"{path}: {error.json_path}: {error.message}")
        for where, message in spec_errors(log):
            failed = True
            print(f"{path}: {where}: {message}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
