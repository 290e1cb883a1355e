"""The API documentation as one of our own pages: the endpoints read from the OpenAPI schema integrators download,
so the page and the schema never disagree. Swagger UI stays available for trying calls, but it is not accessible
enough (contrast, nested controls, no language or landmarks) to be the documentation itself."""

from dataclasses import dataclass

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    anchor: str


@dataclass(frozen=True)
class Group:
    name: str
    endpoints: list[Endpoint]


def endpoints_from(schema: dict) -> list[Group]:
    """Endpoints grouped by their first tag, in the schema's order."""
    groups: dict[str, list[Endpoint]] = {}
    for path, operations in (schema.get("paths") or {}).items():
        for method in METHODS:
            operation = operations.get(method)
            if operation is None:
                continue
            tag = (operation.get("tags") or ["other"])[0]
            groups.setdefault(tag, []).append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary") or "",
                    description=operation.get("description") or "",
                    anchor=operation.get("operationId") or f"{method}-{path}",
                )
            )
    return [Group(name=name, endpoints=endpoints) for name, endpoints in groups.items()]
