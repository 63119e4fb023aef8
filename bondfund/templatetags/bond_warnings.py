from django import template

from bondfund.timeline import bonds_still_posted

register = template.Library()


@register.inclusion_tag("bondfund/_posted_bond_warning.html")
def posted_bond_warning(beneficiary, bond=None):
    """The warning a bond request form shows when the person already has a bond with ICE."""
    return {"bonds": bonds_still_posted(beneficiary.pk,
                                        exclude_id=getattr(bond, "pk", None))}
