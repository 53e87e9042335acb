"""Complaint analysis: language, kind, feelings, sensitive flags, wants, urgency, public risk.

`analyse(text, channel)` is exact and fast: rules over the lexicons in `data/lexicons/` (see
`classifiers.py`), each label with the words that raised it in `Analysis.cues`, so the UI can
say why. Where the case library taught a small model (`models/coach/*.npz`, trained on the train
split by `bench/coach_eval.py --train`), its votes are added to the rules'; without the files the
rules alone answer. Nothing here imports torch or scikit-learn: English profanity is scored by
alt-profanity-check's model, exported to plain arrays in `models/coach/profanity.npz`.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache

from assistant.coach.classifiers import lexicon, load_model, load_profanity_model
from assistant.coach.cues import _NEGATIVE, _distinct, _hits
from assistant.coach.injection import injection_attempt, injection_span
from assistant.coach.sarcasm import sarcasm_score
from assistant.library.vocabulary import PUBLIC_CHANNELS
from assistant.text.language import detect_language
from assistant.text.money import amounts as find_amounts
from assistant.text.pii import find_private_data


@dataclass
class Analysis:
    language: str
    kind: str = "complaint"  # complaint, question, praise, noise
    emotions: dict[str, float] = field(default_factory=dict)  # emotion -> intensity 0..1
    sensitive: list[str] = field(default_factory=list)
    wants: list[str] = field(default_factory=list)
    urgency: str = "normal"  # low, normal, high
    public: bool = False
    public_risk: str = "low"  # low, medium, high
    private_data: list[str] = field(default_factory=list)  # kinds found: phone, email, card...
    injection: bool = False
    # 1 minor, 2 real harm or hassle, 3 serious (the library's scale); at 3 the coach asks for a
    # goodwill gesture when the brand's policy allows one.
    severity: int = 1
    profanity: bool = False
    risk_signals: list[str] = field(default_factory=list)  # why public_risk is what it is
    cues: dict[str, list[str]] = field(default_factory=dict)  # label -> words that raised it

    @property
    def top_emotion(self) -> str:
        return max(self.emotions, key=self.emotions.get) if self.emotions else "neutral"

    @property
    def sarcastic(self) -> bool:
        return self.emotions.get("sarcasm", 0.0) >= SARCASM_THRESHOLD

    def to_dict(self) -> dict:
        data = asdict(self)
        data["top_emotion"] = self.top_emotion
        return data


# An emotion at or above this intensity is one the reply should name; sarcasm at or above it
# makes the message a complaint. 0.5 = one clear cue (see _intensity).
EMOTION_THRESHOLD = 0.5
SARCASM_THRESHOLD = 0.5


_CAPS_WORD = re.compile(r"\b[A-Z]{4,}\b")
_MENTION = re.compile(r"(?<!\w)@\w+")
_WORDS = re.compile(r"[^\W\d_]{2,}")
_SHOUT = re.compile(r"[!?]{2,}")


def _intensity(hits: int, boost: float = 0.0) -> float:
    """0 for no cue; one cue reads 0.5, each further cue adds 0.12, shouting adds `boost`."""
    if hits <= 0:
        return 0.0
    return round(min(1.0, 0.5 + 0.12 * (hits - 1) + boost), 2)


# Flags that make any message a complaint, however it is phrased.
_TROUBLE = {"safety", "fraud", "discrimination", "legal_threat", "press_threat"}


def _kind(text: str, complaint_cues: int, sarcasm: float, sensitive: list[str], cues: dict) -> str:
    k = lexicon("kinds")
    spam = _hits(k, text, "spam")
    misdirected = _hits(k, text, "misdirected")
    words = _WORDS.findall(_MENTION.sub(" ", text))
    if len(words) < 2:
        cues["noise"] = ["no words"]
        return "noise"
    if len(spam) >= 2 or (misdirected and complaint_cues <= 2 and sarcasm < 0.8):
        cues["noise"] = _distinct(spam + misdirected)
        if len(spam) >= 2:
            cues["spam"] = _distinct(spam)
        return "noise"
    if sarcasm >= SARCASM_THRESHOLD:
        return "complaint"
    e = lexicon("emotions")
    negative = sum(len(_distinct(_hits(e, text, label))) for label in _NEGATIVE)
    trouble = bool(_TROUBLE & set(sensitive))
    against = complaint_cues + negative + (3 if trouble else 0) + 4 * _stars(text, low=True)
    praise = _distinct(_hits(k, text, "praise"))
    question = _distinct(_hits(k, text, "question"))
    if question and not against and len(praise) <= 1:
        cues["question"] = question
        return "question"
    # A thank-you outweighs the mishap it thanks someone for fixing ("lost my wallet... you
    # had a card ready by breakfast"), so each praise cue counts double; five stars count four.
    if praise and 2 * len(praise) + 4 * _stars(text, low=False) > against:
        cues["praise"] = praise
        return "praise"
    return "complaint"


def _stars(text: str, low: bool) -> int:
    """1 when the text opens with a star rating that is low (1-2) or high (5), else 0."""
    head = text[:40]
    full = head.count("★") + head.count("⭐")
    empty = head.count("☆")
    if not full:
        m = re.search(r"\b([1-5])\s?(?:/\s?5|stars?|star\b)", head, re.I)
        if not m:
            return 0
        full, empty = int(m.group(1)), 5 - int(m.group(1))
    if low:
        return int(full <= 2 and (empty or full <= 2))
    return int(full >= 5 or (full >= 4 and not empty))


def _emotions(text: str, kind: str, sarcasm: float, profane: bool, cues) -> dict[str, float]:
    e = lexicon("emotions")
    shouting = min(0.3, 0.1 * len(_CAPS_WORD.findall(text)) + 0.1 * len(_SHOUT.findall(text)))
    emotions: dict[str, float] = {}
    for label in e.labels:
        hits = _distinct(_hits(e, text, label))
        if label == "anger" and profane:
            hits.append("profanity")  # swearing at a brand is anger, and raises it
        if not hits:
            continue
        boost = shouting if label in ("anger", "frustration") else 0.0
        if label == "anger" and profane:
            boost += 0.2
        value = _intensity(len(hits), boost)
        if label == "gratitude" and (kind != "praise" or sarcasm >= SARCASM_THRESHOLD):
            continue  # thanks inside a complaint is politeness or irony, not the feeling
        if kind == "praise" and label != "gratitude":
            value = round(value * 0.5, 2)  # the praise is the point; the mishap is backstory
        emotions[label] = value
        cues[label] = hits[:4]
    if sarcasm:
        emotions["sarcasm"] = sarcasm
    if kind == "praise":
        emotions["gratitude"] = max(emotions.get("gratitude", 0.0), 0.6)
    return emotions


def _sensitive(text: str, cues: dict[str, list[str]]) -> list[str]:
    s = lexicon("sensitive")
    flags = []
    for label in s.labels:
        hits = _hits(s, text, label)
        if hits:
            flags.append(label)
            cues[label] = _distinct(hits)[:4]
    if injection_attempt(text):
        flags.append("injection")
        span = injection_span(text)
        cues["injection"] = [text[span[0] : span[1]]] if span else []
    return flags


def _wants(text: str, kind: str, emotions: dict[str, float], sensitive: list[str]) -> list[str]:
    if kind == "praise":
        return ["to_be_heard"]
    if kind == "noise":
        return ["to_be_heard"]
    if kind == "question":
        return ["information"]
    w = lexicon("wants")
    wants = [label for label in w.labels if label != "to_be_heard" and w.has(text, label)]
    if {"discrimination", "safety", "legal_threat", "press_threat"} & set(sensitive):
        wants.append("escalation")
    feeling = max(
        (emotions.get(e, 0.0) for e in ("sadness", "anger", "disappointment")), default=0.0
    )
    if w.has(text, "to_be_heard") or (feeling >= 0.6 and not set(wants) & {"refund", "fix"}):
        wants.append("to_be_heard")
    if not wants:
        wants.append("fix")
    order = ("refund", "fix", "apology", "information", "escalation", "to_be_heard")
    return [x for x in order if x in set(wants)]


def _urgency(text: str, kind: str, emotions, sensitive: list[str], cues) -> str:
    urgent = _hits(lexicon("signals"), text, "urgent")
    if urgent:
        cues["urgent"] = _distinct(urgent)[:4]
    if kind in ("praise", "noise"):
        return "low"
    if {"safety", "fraud"} & set(sensitive):
        return "high"
    if "health" in sensitive and (emotions.get("fear", 0) >= EMOTION_THRESHOLD or urgent):
        return "high"
    if len(urgent) >= 2 or (urgent and emotions.get("fear", 0) >= EMOTION_THRESHOLD):
        return "high"
    if kind == "question" and not urgent:
        return "low"
    return "normal"


@lru_cache(maxsize=1)
def _profanity_model():
    """alt-profanity-check's model: its arrays from models/coach/ (instant), else the package."""
    model = load_profanity_model()
    if model is not None:
        return model.probability
    try:
        from profanity_check import predict_prob  # imports scikit-learn: 2-5 s
    except ImportError:  # optional: the lexicon still catches the common words
        return None
    return lambda text: float(predict_prob([text])[0])


# alt-profanity-check's probability above which English text counts as profane; its authors
# use 0.5 as the decision boundary of the underlying calibrated linear SVMs.
PROFANITY_THRESHOLD = 0.5


def profane(text: str, language: str) -> bool:
    """Swearing: the lexicon in every language, and alt-profanity-check's model for English."""
    if lexicon("signals").has(text, "profanity"):
        return True
    if language != "en":
        return False  # the model is English-only; the lexicon covers es/fr/de
    model = _profanity_model()
    return bool(model and model(text) >= PROFANITY_THRESHOLD)


def _public_risk(
    text: str, channel: str, swearing: bool, emotions, sensitive, cues
) -> tuple[str, list[str]]:
    public = channel in PUBLIC_CHANNELS
    signals = [f"public channel ({channel})"] if public else []
    if swearing:
        signals.append("profanity")
    caps = _CAPS_WORD.findall(text)
    if len(caps) >= 2:
        signals.append(f"shouting ({', '.join(caps[:3])})")
    mentions = _MENTION.findall(text)
    if len(mentions) >= 2:
        signals.append(f"{len(mentions)} @mentions")
    amplify = _hits(lexicon("signals"), text, "amplify")
    if amplify or "press_threat" in sensitive:
        signals.append(f"threatens to go public ({', '.join(_distinct(amplify)[:2]) or 'press'})")
        cues["amplify"] = _distinct(amplify)[:4]
    if emotions.get("sarcasm", 0) >= SARCASM_THRESHOLD:
        signals.append("sarcasm (quotable)")
    if max(emotions.get("anger", 0), emotions.get("frustration", 0)) >= 0.8:
        signals.append("strong anger")
    weight = len(signals) - (1 if public else 0)
    if not public:
        return ("medium" if amplify or "press_threat" in sensitive else "low"), signals
    return ("high" if weight >= 2 else "medium"), signals


def _severity(kind: str, text: str, emotions: dict[str, float], sensitive: list[str]) -> int:
    if kind != "complaint":
        return 1
    serious = {"bereavement", "safety", "fraud", "health", "legal_threat", "discrimination"}
    amounts = [a.number for a in find_amounts(text)]
    big = any(_number(a) >= 100 for a in amounts)
    if set(sensitive) & serious or big:
        return 3
    strong = max((v for k, v in emotions.items() if k != "gratitude"), default=0.0)
    return 2 if amounts or strong >= 0.6 or sensitive else 1


def _number(text: str) -> float:
    cleaned = re.sub(r"[.,](?=\d{3}\b)", "", text.rstrip(".,")).replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return 0.0


def _apply_models(
    text: str, kind: str, emotions: dict[str, float], sensitive: list[str], cues
) -> None:
    """Add the trained models' votes (when `models/coach/` has them) to the rules' answer.

    The models only add: a label the rules found stays.
    """
    model = load_model("sarcasm")
    # The model is there for sarcasm the phrase lists miss, so it needs no lexicon cue of its
    # own, nor a complaint word: it learned from hard negatives (sincere praise with emoji,
    # relief after a fix, mixed reviews; data/sarcasm/), and sarcasm often names no failure
    # ("the hold music in a trench coat"). Praise that says the problem was put right is meant.
    sincere = lexicon("sarcasm").first(text, "sincere") is not None
    if model is not None and kind in ("complaint", "praise") and not sincere:
        p = model.probabilities(text)["sarcasm"]
        if p >= float(model.thresholds[0]) and emotions.get("sarcasm", 0.0) < SARCASM_THRESHOLD:
            emotions["sarcasm"] = round(max(SARCASM_THRESHOLD, min(p, 0.9)), 2)
            cues["sarcasm"] = [f"model {p:.2f}"]
    model = load_model("sensitive")
    if model is not None:
        probabilities = model.probabilities(text)
        for label, threshold in zip(model.labels, model.thresholds, strict=True):
            if probabilities[label] >= threshold and label not in sensitive:
                sensitive.append(label)
                cues[label] = [f"model {probabilities[label]:.2f}"]


def analyse(text: str, channel: str = "twitter", *, models: bool = True) -> Analysis:
    """Analyse a complaint. `models=False` answers from the lexicon rules alone (the trained
    models in models/coach/ only ever add labels; tests pin the rules with this)."""
    cues: dict[str, list[str]] = {}
    language = detect_language(text)
    complaint_cues = len(_distinct(_hits(lexicon("kinds"), text, "complaint")))
    negative = sum(len(_hits(lexicon("emotions"), text, label)) for label in _NEGATIVE)
    sarcasm, sarcasm_cues = sarcasm_score(text, complaint_cues + negative)
    if sarcasm:
        cues["sarcasm"] = sarcasm_cues
    sensitive = _sensitive(text, cues)
    kind = _kind(text, complaint_cues, sarcasm, sensitive, cues)
    if kind != "complaint" and kind != "praise":
        sarcasm = 0.0  # a question or spam with a wink is not a complaint
        cues.pop("sarcasm", None)
    swearing = profane(text, language)
    emotions = _emotions(text, kind, sarcasm, swearing, cues)
    if models:
        _apply_models(text, kind, emotions, sensitive, cues)
    if emotions.get("sarcasm", 0) >= SARCASM_THRESHOLD and kind == "praise":
        kind = "complaint"
    risk, signals = _public_risk(text, channel, swearing, emotions, sensitive, cues)
    order = {label: i for i, label in enumerate(lexicon("sensitive").labels + ["injection"])}
    sensitive = sorted(set(sensitive), key=lambda x: order.get(x, 99))
    return Analysis(
        language=language,
        kind=kind,
        emotions=dict(sorted(emotions.items(), key=lambda kv: -kv[1])),
        sensitive=sensitive,
        wants=_wants(text, kind, emotions, sensitive),
        urgency=_urgency(text, kind, emotions, sensitive, cues),
        public=channel in PUBLIC_CHANNELS,
        public_risk=risk,
        private_data=sorted({item.kind for item in find_private_data(text)}),
        injection="injection" in sensitive,
        severity=_severity(kind, text, emotions, sensitive),
        profanity=swearing,
        risk_signals=signals,
        cues=cues,
    )
