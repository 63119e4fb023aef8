from tests.access import UrlCase, expect
from tests.bondfund.factories import make_program

POST_ONLY = expect(405)


def url_cases(world):
    program = make_program(world, name="Programa con tope de personas")
    return [
        UrlCase("bondfund:approval_sign_many", expect=POST_ONLY),
        UrlCase("bondfund:approval_sign_one", {"pk": program.pk}, expect=POST_ONLY),
        UrlCase("bondfund:program_people_cap", {"pk": program.pk}, expect=POST_ONLY),
    ]
