from tests.access import UrlCase, consulate_a_page, expect


def url_cases(world):
    return [
        # The family lookup is public: everyone, signed in or not, gets the page.
        UrlCase("public:lookup", expect=expect(200, anonymous=200)),
        UrlCase("public:reference_card", kwargs={"pk": world.ben_a.pk},
                expect=consulate_a_page()),
    ]
