"""Policies.recognise: the brand a message names by @handle or full name, on the real brands;
and the desk's use of it (Desk.recognise_brand, on the fakes)."""

from dataclasses import replace

import pytest

from assistant.app.handlers import Desk
from assistant.config import REPO_ROOT
from assistant.library.policy import BrandPolicy, Policies, load_policies


@pytest.fixture(scope="module")
def real():
    policies = load_policies(REPO_ROOT / "data")
    # the two brands the tests use, as the data files have them
    assert policies.brands["Aurelian Skyways"].handle == "@AurelianSkyways"
    assert policies.brands["Pelican Crest Airlines"].handle == "@PelicanCrestAir"
    return policies


def test_a_handle_at_the_start_of_a_tweet(real):
    tweet = "@AurelianSkyways my flight to Rome was cancelled and nobody told me!"
    assert real.recognise(tweet) == "Aurelian Skyways"
    assert real.recognised_from(tweet) == ("Aurelian Skyways", "@AurelianSkyways")


def test_a_handle_in_the_middle_in_another_case(real):
    tweet = "Three hours on the tarmac, thanks @pelicancrestair. Never again."
    assert real.recognise(tweet) == "Pelican Crest Airlines"


def test_a_brand_name_in_an_email_body(real):
    email = (
        "Dear team,\n\nI booked two seats with aurelian skyways for 3 May and was charged "
        "twice.\nPlease refund the second payment.\n\nKind regards,\nMaria"
    )
    assert real.recognised_from(email) == ("Aurelian Skyways", "aurelian skyways")


def test_a_handle_wins_over_a_name_and_a_name_may_break_over_lines(real):
    text = "Flew Aurelian Skyways, now stuck. @PelicanCrestAir can you rebook me?"
    assert real.recognise(text) == "Pelican Crest Airlines"
    assert real.recognise("I flew Pelican Crest\nAirlines last week.") == "Pelican Crest Airlines"


def test_a_longer_handle_that_starts_with_a_real_one_is_no_match(real):
    assert real.recognise("@AurelianSkywaysFans are we boarding yet?") is None
    assert real.recognise("@PelicanCrestAirlines_parody lost my bag") is None
    assert real.recognise("Write to help@AurelianSkyways.com they said") is None  # an address


def test_nothing_to_recognise(real):
    assert real.recognise("My parcel never arrived and nobody answers the phone.") is None
    assert real.recognise("") is None
    assert real.recognise("Aurelian Sky is not a brand, nor is Skyways alone") is None


def test_longest_name_wins_and_short_names_are_ignored():
    brands = {
        name: BrandPolicy(name, handle=handle)
        for name, handle in [("Lark", None), ("Lark Mobile", "@LarkMob"), ("Oro", "@OroShop")]
    }
    policies = Policies(brands=brands, default=BrandPolicy(None))
    assert policies.recognise("my lark mobile bill, and Lark again") == "Lark Mobile"
    assert policies.recognise("Lark support never called") == "Lark"
    assert policies.recognise("Oro lost my order") is None  # under 4 characters: too common
    assert policies.recognise("@oroshop lost my order") == "Oro"  # its handle still counts
    assert policies.recognise("Larks sing; Larkspur blooms") is None  # whole words only


def test_the_lookup_follows_the_brands_and_leaves_equality_alone(real):
    policies = replace(real, brands=dict(real.brands))
    assert policies.recognise("@NewBrandHQ hi") is None
    policies.brands["New Brand"] = BrandPolicy("New Brand", handle="@NewBrandHQ")
    assert policies.recognise("@NewBrandHQ hi") == "New Brand"
    del policies.brands["New Brand"]
    assert policies.recognise("@NewBrandHQ hi") is None
    assert policies == load_policies(REPO_ROOT / "data")  # the cached lookup is not compared
    assert "_recogniser" not in repr(policies)


# -- the desk ----------------------------------------------------------------------------------
def test_the_desk_recognises_the_brand_of_a_complaint(make_assistant):
    desk = Desk(make_assistant(["Sorry about that."]))
    brands = desk.assistant.policies.brands
    assert brands["Acme Air"].handle == "@AcmeAir"
    assert brands["Aurelian Skyways"].handle == "@AurelianSkyways"
    tweet = "@acmeair my flight to Rome was cancelled and nobody told me."
    note = "Brand: Acme Air, recognised from @AcmeAir — change it if that is wrong"
    assert desk.recognise_brand(tweet, None) == ("Acme Air", note)
    assert desk.recognise_brand("I flew Aurelian Skyways to Rome.", "") == (
        "Aurelian Skyways",
        'Brand: Aurelian Skyways, recognised from the name "Aurelian Skyways" — change it if '
        "that is wrong",
    )
    assert desk.recognise_brand("My parcel never arrived.", None) == (None, "")
    assert desk.recognise_brand("@AcmeAirways lost my bag", None) == (None, "")
    # a brand the agent chose is kept, whatever the complaint says
    assert desk.recognise_brand(tweet, "Nimbus Mobile") == ("Nimbus Mobile", "")
    assert desk.recognise_brand(tweet, "Nimbus Mobile", suggested="Acme Air") == (
        "Nimbus Mobile",
        "",
    )
    # the desk's own suggestion follows the complaint as it is typed, said once
    assert desk.recognise_brand(tweet, "Acme Air", suggested="Acme Air") == ("Acme Air", "")
    assert desk.recognise_brand("@AcmeAirw", "Acme Air", suggested="Acme Air") == (None, "")
    assert desk.recognise_brand("@AurelianSkyways hi", "Acme Air", "Acme Air")[0] == (
        "Aurelian Skyways"
    )
    assert desk.recognise_brand("", "Acme Air", suggested="Acme Air") == (None, "")
    # text drafting would refuse is left alone (drafting says why)
    assert desk.recognise_brand("@AcmeAir \x00", None) == (None, "")
