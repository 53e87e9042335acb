"""Hard guards every draft must pass before an agent sees it.

Each guard returns a `Check`; a draft with any failed check is dropped, never shown. The guards
are the product's safety promise, so they err on the side of rejecting: a fallback reply costs
the agent a little typing, a leaked card number or a promised $5,000 costs the brand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from assistant.config import lexicons_dir
from assistant.library.cases import Case, words
from assistant.library.policy import BrandPolicy, ChannelRule
from assistant.text.language import LANGUAGE_NAMES, same_language
from assistant.text.money import amounts as find_amounts
from assistant.text.pii import find_private_data


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    reason: str
    span: tuple[int, int] | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "passed": self.passed,
            "reason": self.reason,
            "span": list(self.span) if self.span else None,
        }


@dataclass
class GuardContext:
    complaint: str
    channel: ChannelRule
    policy: BrandPolicy
    language: str
    examples: Sequence[Case] = ()
    customer: str | None = None
    agent: str | None = None
    extra_allowed: set[str] = field(default_factory=set)


_REFUSAL = re.compile(
    r"\b(?:I(?:'m| am) sorry,? but I (?:can(?:'|no)t|am unable)|I can(?:'|no)t (?:assist|help) with"
    r"|as an AI|language model|I'm an AI|no puedo ayudar|je ne peux pas vous aider"
    r"|ich kann (?:Ihnen )?nicht helfen)\b",
    re.I,
)
_META = re.compile(
    r"^\s*(?:here(?:'s| is) (?:a|the|my|your) (?:reply|response|draft)|reply:|response:|draft:"
    r"|sure[,!]|certainly[,!]|of course[,!])|\[(?:your|customer|agent|name|brand)[^\]]*\]"
    r"|\{\{?\s*\w+\s*\}?\}|<\|",
    re.I,
)
# First-person offers in the four languages; an amount in such a sentence is a promise.
_OFFER = re.compile(
    r"\b(?:I(?:'ll| will|'ve| have)|we(?:'ll| will|'ve| have)|let me)\b[^.!?]{0,40}"
    r"\b(?:refund|credit|give|add|send|offer|compensat|pay(?!ment)|reimburs)"
    r"|\b(?:te|le|les|os) (?:reembols|abon|dar|ofrec|aplic|env[ií]|mand|devuelv|doy|regal)"
    r"|\bje vous (?:rembours|offr|accord|verse)|\bwir (?:erstatten|schreiben)|\bich (?:erstatte"
    r"|schreibe)|\bgutschrift|\bgutschein|\b(?:ich|wir) (?:schicke|schicken|gebe|geben|überweise"
    r"|überweisen|lege|legen|erstatte|erstatten)\b|\bcompensation of\b"
    r"|\b(?:vou|vamos|irei)\s+(?:\w+\s+)?(?:reembols|credit|oferec|dar|devolv|atribu)"
    r"|\b(?:reembolsei|reembolsámos|creditei|ofereci|atribuí)|\b(?:lhe|te) (?:reembols|ofere|dou)"
    r"|\b(?:le|ti|vi) (?:rimbors|accredit|offr|regal|riconosc)|\bho (?:rimborsato|accreditato)"
    r"|\b(?:rimborser|accrediter)",
    re.I,
)
_FULL_REFUND = re.compile(
    r"\b(?:I(?:'ll| will)|we(?:'ll| will)) (?:\w+ )?refund\b|\bfull refund\b"
    r"|\brefund (?:you|it|the)\b|\b(?:te|le) (?:reembolsamos|reembolsaré|devuelvo|devolvemos)"
    r"|\breembolso completo"
    r"|\bje vous rembourse"
    r"|\bremboursement intégral|\bwir erstatten (?:Ihnen )?den|\bvolle erstattung"
    r"|\breembolso (?:total|integral)|\b(?:vou|vamos) reembolsar|\breembolsei"
    r"|\brimborso (?:completo|totale|integrale)|\brimborser(?:ò|emo)|\bho rimborsato",
    re.I,
)
# A full stop inside a number ("€29.97") does not end the sentence.
_SENTENCE = re.compile(r"(?:[^.!?\n]|\.(?=\d))+[.!?]?")
_REVIEW = re.compile(
    r"\breview|revisión|réexamen|prüfung|überprüf|revisão|análise|revisione|verifica del rimborso",
    re.I,
)
# "I can't offer €500" declines a demand; it is not an offer.
_DECLINED = re.compile(
    r"\b(?:can(?:'|no)t|cannot|unable to|not able to|won't|no puedo|ne (?:peux|pouvons) pas"
    r"|kann (?:ich )?nicht|não (?:posso|podemos|consigo|conseguimos)|não está ao meu alcance"
    r"|non (?:posso|possiamo|riesco))\b[^.!?]{0,30}$",
    re.I,
)
# "£300 isn't something I can offer": the amount is declined after it is named.
_DECLINED_AFTER = re.compile(
    r"^[^.!?]{0,20}\b(?:isn't|is not|is more than|is beyond|goes beyond|would be more than"
    r"|no es algo|n'est pas|ist nicht|est(?:á|ão) acima|é mais do que|não é algo|è più di"
    r"|non è qualcosa|va oltre)\b[^.!?]{0,40}\b(?:can|able|allow|offer|puedo|peux|kann|posso"
    r"|podemos|possiamo)",
    re.I,
)
# A charge that repeats ("£4.50 a week", "three times"); "twice" is a double charge, refunded once.
_RECURRING = re.compile(
    r"\b(?:a|per|each|every) (?:week|month|year)\b|\bweekly\b|\bmonthly\b"
    r"|\b(?:three|four|five|six|seven|eight|nine|ten|\d+) times\b|\bal mes\b|\bcada mes\b"
    r"|\bpar mois\b|\bmonatlich\b|\bao mês\b|\bal mese\b",
    re.I,
)
# A gesture word near an amount: money given, not a charge put under review.
_GESTURE = re.compile(
    r"\b(?:credit|voucher|gift|goodwill|bono|crédit|gutschein|gutschrift|crédito|vale|buono)",
    re.I,
)
# Capitalised words that are never example-specific facts.
_ALWAYS_OK = {
    "i",
    "dm",
    "ok",
    "pm",
    "am",
    "hi",
    "hello",
    "dear",
    "thanks",
    "hola",
    "bonjour",
    "hallo",
    "sie",
    "ihnen",
    "ihr",
    "ihre",
    "usted",
}


# Words that make an amount in a complaint a charge (refundable when the policy allows refunds)
# or a demand (never refundable just because the customer named it).
_CHARGE = re.compile(
    r"\b(?:charg|paid|paying|pay(?:ing)? for|bought|spent|purchas|bill|cost|price|fee|debit|deduct"
    r"|taken|took|held|cobr|pag[oóu]|compr|subscri|suscri|abonn|abbonament|assinatura"
    r"|cargo|factur|débit|pay[ée]|prélev|abgebucht|bezahlt|berechnet|rechnung|gebühr"
    r"|pagamento|paguei|debitad|fatura|cobrança|bilhete|multa|addebit|pagat|fattur|costo|prezzo"
    r"|spes[oi]|sanzione|bigliett|tessera|quota|prelevat)",
    re.I,
)
_DEMAND = re.compile(
    r"\b(?:want|demand|give me|owe me|compensat|deserve|or (?:I|we)\b|quiero|exijo|compensaci"
    r"|indemniz|je veux|exige|dédommag|ich will|verlange|entschädig|quero|exijo|mereço"
    r"|voglio|pretendo|esigo|risarciment|indennizz)",
    re.I,
)


def charged_amounts(complaint: str) -> set[float]:
    """Amounts the complaint presents as a charge (not ones it demands or injects)."""
    amounts = set()
    for sentence in _SENTENCE.finditer(complaint):
        text = sentence.group()
        if _DEMAND.search(text) or not _CHARGE.search(text):
            continue
        amounts.update(a.value for a in find_amounts(text))
    return amounts


def _under_review(text: str, start: int, end: int) -> bool:
    """A review word next to the amount, with no gesture word (credit, voucher) in between."""
    before, after = text[max(0, start - 60) : start], text[end : end + 50]
    if _GESTURE.match(after.lstrip()) or _GESTURE.search(after[:12]):
        return False  # "a 400 EUR credit"
    found = list(_REVIEW.finditer(before))
    if found and not _GESTURE.search(before[found[-1].end() :]):
        return True
    ahead = _REVIEW.search(after)
    return bool(ahead) and not _GESTURE.search(after[: ahead.start()])


def _is_charge(value: float, charges: set[float], complaint: str) -> bool:
    """The amount is a charge the customer named, or the total of a recurring one they name."""
    if value in charges:
        return True
    if not _RECURRING.search(complaint):
        return False
    return any(
        a and abs(value / a - round(value / a)) < 1e-6 and round(value / a) <= 52 for a in charges
    )


def check_not_empty(reply: str, ctx: GuardContext) -> Check:
    ok = len(reply.strip()) >= 15
    return Check("not_empty", ok, "has content" if ok else "the draft is empty or a fragment")


def check_not_refusal(reply: str, ctx: GuardContext) -> Check:
    for pattern, why in ((_REFUSAL, "a refusal"), (_META, "meta-text or a placeholder")):
        m = pattern.search(reply)
        if m:
            return Check("not_refusal", False, f"reads as {why}: {m.group().strip()!r}", m.span())
    return Check("not_refusal", True, "a direct reply")


def check_private_data(reply: str, ctx: GuardContext) -> Check:
    for item in find_private_data(reply):
        if ctx.channel.public or item.kind == "card":
            where = "a public" if ctx.channel.public else "any"
            return Check(
                "private_data",
                False,
                f"repeats a {item.kind} ({item.text!r}) on {where} channel",
                (item.start, item.end),
            )
    return Check("private_data", True, "repeats no private data")


def check_policy(reply: str, ctx: GuardContext) -> Check:
    policy = ctx.policy
    complaint_amounts = charged_amounts(ctx.complaint)
    for sentence in _SENTENCE.finditer(reply):
        text = sentence.group()
        if not _OFFER.search(text):
            continue
        for found in find_amounts(text):
            value, start, end = found.value, found.start, found.end
            if value is None or value <= policy.max_gesture:
                continue
            if _is_charge(value, complaint_amounts, ctx.complaint) and policy.allows("refund"):
                continue  # refunding charges the customer named is within a refund policy
            if policy.allows("refund_review") and _under_review(text, start, end):
                continue  # putting an amount under review promises no money
            if _DECLINED.search(text[:start]) or _DECLINED_AFTER.search(text[end:]):
                continue
            span = (sentence.start() + start, sentence.start() + end)
            limit = f"{policy.max_gesture:g} {policy.currency}" if policy.max_gesture else "nothing"
            return Check("policy", False, f"offers {found.text}; the policy allows {limit}", span)
    if not policy.allows("refund"):
        m = _FULL_REFUND.search(reply)
        if m and not _REVIEW.search(reply[max(m.start() - 40, 0) : m.end() + 12]):
            return Check(
                "policy",
                False,
                f"promises a refund ({m.group()!r}); the policy allows only a refund review",
                m.span(),
            )
    return Check("policy", True, "stays within the brand policy")


def check_length(reply: str, ctx: GuardContext) -> Check:
    ok = len(reply) <= ctx.channel.limit
    return Check(
        "length",
        ok,
        f"{len(reply)} of {ctx.channel.limit} characters for {ctx.channel.name}",
        None if ok else (ctx.channel.limit, len(reply)),
    )


def check_language(reply: str, ctx: GuardContext) -> Check:
    ok = same_language(reply, ctx.language)
    name = LANGUAGE_NAMES.get(ctx.language, ctx.language)
    return Check("language", ok, f"in {name}" if ok else f"not in {name}, the customer's language")


def example_facts(example: Case, ctx: GuardContext) -> set[str]:
    """Names, numbers and proper nouns of an example that the new complaint does not contain."""
    known = set(
        words(
            " ".join(
                filter(
                    None,
                    [
                        ctx.complaint,
                        ctx.customer,
                        ctx.agent,
                        ctx.policy.brand,
                        ctx.policy.handle,
                        ctx.policy.private_channel,
                    ],
                )
            )
        )
    )
    known |= ctx.extra_allowed | _ALWAYS_OK
    facts: set[str] = set()
    for name in (example.customer, example.agent, example.brand):
        if name:
            facts.update(w for w in words(name) if w not in known and len(w) > 2)
    for text in (example.complaint, example.reply):
        for sentence in _SENTENCE.finditer(text):
            tokens = re.findall(r"[\w'’]+", sentence.group())
            for i, token in enumerate(tokens):
                proper = i > 0 and token[:1].isupper() and not token.isupper()
                number = any(ch.isdigit() for ch in token) and len(token) >= 2
                if (proper or number) and token.lower() not in known:
                    facts.add(token.lower())
    return facts


# Distinctive words (5+ letters, not in data/lexicons/common_words.yaml) compared by their
# first 5 letters, so "cancelled"/"cancellation" count once.
STEM = 5
# On the train split, an independently written gold reply shares 6+ such stems with its nearest
# neighbour's complaint and reply (and not with its own complaint) 5% of the time (median 2);
# a draft that carries 6+ is retelling the example's story, not this customer's.
CARRIED_STEMS_LIMIT = 6


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    rows = yaml.safe_load((lexicons_dir() / "common_words.yaml").read_text("utf-8"))
    return frozenset(str(w).lower() for ws in rows.values() for w in ws)


def distinctive_stems(text: str) -> set[str]:
    common = _common_words()
    return {w[:STEM] for w in words(text) if len(w) >= STEM and w not in common}


def check_example_copy(reply: str, ctx: GuardContext) -> Check:
    reply_words = set(words(reply))
    reply_stems = distinctive_stems(reply) - distinctive_stems(ctx.complaint)
    for example in ctx.examples:
        carried = reply_stems & distinctive_stems(f"{example.complaint} {example.reply}")
        if len(carried) >= CARRIED_STEMS_LIMIT:
            word_of = {w[:STEM]: w for w in reversed(words(reply))}  # first occurrence wins
            shown = ", ".join(word_of[stem] for stem in sorted(carried)[:6])
            return Check(
                "example_copy",
                False,
                f"retells example {example.id} ({len(carried)} "
                f"of its details: {shown}...), not this complaint",
            )
    for example in ctx.examples:
        copied = sorted(example_facts(example, ctx) & reply_words)
        if copied:
            m = re.search(re.escape(copied[0]), reply, re.I)
            return Check(
                "example_copy",
                False,
                f"copies {', '.join(copied[:4])} from example "
                f"{example.id}, not from this complaint",
                m.span() if m else None,
            )
    return Check("example_copy", True, "uses only this complaint's facts")


def check_not_echo(reply: str, ctx: GuardContext) -> Check:
    """A draft that mostly repeats the complaint back (small models do) is not a reply."""
    reply_grams, complaint_grams = _four_grams(reply), _four_grams(ctx.complaint)
    if len(reply_grams) >= 4:
        shared = len(reply_grams & complaint_grams) / len(reply_grams)
        # Half the draft's 4-word sequences copied from the complaint: quoting one detail back
        # ("your flight to Rome was cancelled") stays far below this.
        if shared >= 0.5:
            return Check("not_echo", False, f"{shared:.0%} of the draft repeats the complaint")
    return Check("not_echo", True, "answers rather than repeats")


def _four_grams(text: str) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)}


def check_no_loop(reply: str, ctx: GuardContext) -> Check:
    sentences = [" ".join(words(s.group())) for s in _SENTENCE.finditer(reply)]
    repeated = [s for s, n in Counter(s for s in sentences if len(s) > 12).items() if n > 1]
    if repeated:
        return Check("no_loop", False, f"repeats the sentence {repeated[0]!r}")
    tokens = words(reply)
    grams = Counter(tuple(tokens[i : i + 5]) for i in range(len(tokens) - 4))
    if grams and max(grams.values()) >= 3:
        return Check("no_loop", False, "repeats the same phrase three times or more")
    return Check("no_loop", True, "no repetition")


GUARDS = (
    check_not_empty,
    check_not_refusal,
    check_not_echo,
    check_private_data,
    check_policy,
    check_length,
    check_language,
    check_example_copy,
    check_no_loop,
)


def run_guards(reply: str, ctx: GuardContext) -> list[Check]:
    return [guard(reply, ctx) for guard in GUARDS]


def passed(checks: Sequence[Check]) -> bool:
    return all(c.passed for c in checks)


def policy_breaches(cases: Sequence[Case], policies) -> list[str]:
    """Gold replies that offer more than their brand allows (the drafts' own policy guard)."""
    problems = []
    for case in cases:
        ctx = GuardContext(
            complaint=case.complaint,
            channel=policies.channel(case.channel),
            policy=policies.for_brand(case.brand),
            language=case.language,
        )
        check = check_policy(case.reply, ctx)
        if not check.passed:
            problems.append(f"{case.id}: gold reply {check.reason}")
    return problems
