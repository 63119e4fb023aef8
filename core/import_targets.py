"""What each kind of import brings in, registered by the app that owns it (core names no
domain app, not even by string).

    import_target_register(ImportJob.Kind.BOND_REQUESTS, model=BondRequest,
                           columns=BOND_REQUEST_COLUMNS, importer=BondRequestImporter)

from the app's AppConfig.ready().
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportTarget:
    model: type
    columns: tuple
    importer: type | None = None


_TARGETS: dict[str, ImportTarget] = {}


def import_target_register(kind: str, *, model: type, columns: tuple,
                           importer: type | None = None) -> None:
    _TARGETS[kind] = ImportTarget(model=model, columns=tuple(columns), importer=importer)


def import_target(kind: str) -> ImportTarget:
    """The registered target; a LookupError names an import no installed app offers."""
    try:
        return _TARGETS[kind]
    except KeyError as exc:
        raise LookupError(f"No app registered the import {kind!r}") from exc
