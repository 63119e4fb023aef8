"""What bond requests and grant applications share: approvals in rounds, documents, the
lock-guard-transition-audit-notify step and the glue to payments. Each app describes itself
once with a `CaseKind`; the rules here are written once for both."""
