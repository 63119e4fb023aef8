"""Who may import and export: a role of the house, or the model's import/export permission.

The roles give the right in their own scope (selectors still limit the rows); the Django
permissions `<app>.import_<model>` / `<app>.export_<model>` (django-import-export's codes,
settings IMPORT_EXPORT_*_PERMISSION_CODE) let an administrator grant it to someone else.
"""

from django.core.exceptions import PermissionDenied

from core.models import Role
from core.tenancy import Scope

EXPORT_ROLES = (Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER,
                Role.CONSULATE_OFFICER)
FINANCE_EXPORT_ROLES = (Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER)


def may_export(user, model, roles=EXPORT_ROLES):
    scope = Scope.of(user)
    return scope.has_role(*roles) or user.has_perm(_perm("export", model))


def may_import(user, model):
    """Imports are for headquarters' program administrators (or holders of the permission)."""
    scope = Scope.of(user)
    return (scope.is_headquarters(Role.PROGRAM_ADMIN)
            or user.has_perm(_perm("import", model)))


def require_export(user, model, roles=EXPORT_ROLES):
    if not may_export(user, model, roles):
        raise PermissionDenied


def require_import(user, model):
    if not may_import(user, model):
        raise PermissionDenied


def _perm(code, model):
    return f"{model._meta.app_label}.{code}_{model._meta.model_name}"
