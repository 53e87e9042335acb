"""The library's vocabulary: every value a case field may take (data/SCHEMA.md lists them)."""

from __future__ import annotations

CHANNELS = ("twitter", "facebook", "review", "email", "chat")

PUBLIC_CHANNELS = frozenset({"twitter", "facebook", "review"})

INDUSTRIES = (
    "airline",
    "rail",
    "telecom_isp",
    "mobile",
    "bank_fintech",
    "insurance",
    "energy",
    "water",
    "ecommerce",
    "delivery",
    "restaurant_food",
    "consumer_goods",
    "hotel_travel",
    "car_rental_automotive",
    "streaming_software",
    "gym_subscription",
    "pharmacy_healthcare",
    "grocery",
    "food_delivery_app",
    "ride_hailing_taxi",
    "bus_coach",
    "ferry",
    "package_holiday",
    "event_ticketing",
    "cinema_theatre",
    "fashion",
    "electronics_appliances",
    "furniture",
    "marketplace",
    "car_dealer_repair",
    "parking",
    "dental",
    "clinic_telehealth",
    "vet_pet",
    "optician",
    "beauty_salon",
    "toys_childcare",
    "education_courses",
    "saas_cloud",
    "video_games",
    "smart_home",
    "home_services",
    "letting_property",
    "credit_card",
    "bnpl",
    "pensions_investments",
    "charity_membership",
    "dating_social",
    "public_services",
    "sports_leisure",
)

ISSUES = (
    "delay_cancellation",
    "lost_damaged",
    "billing_double_charge",
    "refund_refused",
    "outage_defect",
    "rude_staff",
    "repeated_contact",
    "account_access",
    "safety_contamination",
    "fraud",
    "subscription_trap",
    "privacy_leak",
    "mixed_feedback",
    "customer_error",
    "praise",
    "question",
    "noise",
)

KINDS = ("complaint", "question", "praise", "noise")

EMOTIONS = (
    "anger",
    "frustration",
    "sadness",
    "fear",
    "sarcasm",
    "disappointment",
    "gratitude",
    "neutral",
)

LANGUAGES = ("en", "es", "fr", "de", "pt", "it")

SENSITIVE = (
    "bereavement",
    "health",
    "child",
    "safety",
    "fraud",
    "privacy",
    "discrimination",
    "disability",
    "legal_threat",
    "press_threat",
    "beyond_policy",
    "injection",
)

WANTS = ("refund", "fix", "apology", "information", "escalation", "to_be_heard")

MOVES = (
    "acknowledge_specific",
    "empathy",
    "apology",
    "ownership",
    "fix",
    "gesture",
    "follow_up",
    "move_private",
    "personalize",
    "thanks",
)

WEAK_KINDS = (
    "dismissive",
    "policy_speak",
    "boilerplate",
    "blame",
    "defensive",
    "over_promise",
    "ignores_feeling",
    "wrong_language",
    "echoes_private_data",
    "generic",
)

OUTCOMES = ("resolved", "escalated", "pending")

SPLITS = ("train", "test")

# Twitter's limit; the other channels' soft limits live in data/channels.yaml.
TWITTER_LIMIT = 280
