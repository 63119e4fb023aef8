from tests.access import UrlCase, consulate_a_page, expect


def url_cases(world):
    return [
        # The family lookup is public: everyone, signed in or not, gets the page.
        UrlCase("public:lookup", expect=expect(200, anonymous=200)),
        # POST-only (the found page's form carries a signed token): a GET changes nothing.
        UrlCase("public:subscribe", expect=expect(405, anonymous=405)),
        UrlCase("public:reference_card", kwargs={"pk": world.ben_a.pk},
                expect=consulate_a_page()),
    ]
