"""The policy guard: money and promises in a reply against the brand's remedies and caps."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.coach.guard_types import Check, GuardContext
from assistant.library.cases import Case
from assistant.text.money import amounts as find_amounts
from assistant.text.sentences import sentence_spans

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
    for sentence in sentence_spans(complaint):
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


def check_policy(reply: str, ctx: GuardContext) -> Check:
    policy = ctx.policy
    complaint_amounts = charged_amounts(ctx.complaint)
    for sentence in sentence_spans(reply):
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
