"""Is the article English? Asked of a language identifier (py3langid), not guessed."""

from __future__ import annotations

from functools import lru_cache

from translate.core.errors import InputError

# Names for the languages an English newsroom most often receives by mistake.
_NAMES = {
    "fr": "French", "de": "German", "es": "Spanish", "it": "Italian", "pt": "Portuguese", "nl": "Dutch",
    "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean",
    "pl": "Polish", "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
}
MIN_CHARS = 40  # below this, identification is unreliable: such a text is not judged
MIN_CONFIDENCE = 0.9


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier  # lazy: ~0.2 s with its model; on the first article

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def identify(text: str) -> tuple[str, float]:
    """The most likely language of ``text`` (ISO 639-1) and its probability."""
    lang, prob = _identifier().classify(text)
    return lang, float(prob)


def check_english(text: str, origin: str) -> str:
    """Raise :class:`InputError` when ``text`` is confidently not English; return the language found."""
    sample = text[:20000]
    if len(sample.strip()) < MIN_CHARS:
        return "en"
    lang, prob = identify(sample)
    if lang != "en" and prob >= MIN_CONFIDENCE:
        name = _NAMES.get(lang, lang)
        raise InputError(
            f"{origin}: the article is in {name} ({lang}, language identifier confidence {prob:.2f}), not English. "
            "This workflow translates English articles into French; check that this is the right file."
        )
    return "en"
