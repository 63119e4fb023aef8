"""What each kind of import brings in, registered by the app that owns it (core names no
domain app, not even by string).

    import_target_register(ImportJob.Kind.BOND_REQUESTS, model=BondRequest,
                           columns=BOND_REQUEST_COLUMNS, importer=BondRequestImporter)

from the app's AppConfig.ready(). A column is an `ImportColumn`: the upload page explains
it and the sample file is written from it, so the documentation cannot drift from the
importer that reads the same definitions.
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class ImportColumn:
    """One column of an import file: its header, whether a row must fill it, what it holds
    (translatable), an example value, and (optionally) the codes it accepts as
    (code, label) pairs, read from the real choices when the page is shown."""

    name: str
    required: bool = False
    description: str = ""
    example: str = ""
    codes: Callable[[], list] | None = field(default=None, compare=False)

    def code_list(self):
        return list(self.codes()) if self.codes else []


def as_column(column) -> ImportColumn:
    return column if isinstance(column, ImportColumn) else ImportColumn(name=str(column))


@dataclass(frozen=True)
class ImportTarget:
    model: type
    columns: tuple
    importer: type | None = None


_TARGETS: dict[str, ImportTarget] = {}


def import_target_register(kind: str, *, model: type, columns: tuple,
                           importer: type | None = None) -> None:
    _TARGETS[kind] = ImportTarget(model=model, columns=tuple(map(as_column, columns)),
                                  importer=importer)


def import_target(kind: str) -> ImportTarget:
    """The registered target; a LookupError names an import no installed app offers."""
    try:
        return _TARGETS[kind]
    except KeyError as exc:
        raise LookupError(f"No app registered the import {kind!r}") from exc
