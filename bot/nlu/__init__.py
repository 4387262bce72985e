"""Question answering and intent recognition for the assistant, driven by the data in `content/knowledge/`.

Public API (the bot imports only these names)::

    from bot.nlu import Recognizer, Recognition, KnowledgeEntry, KnowledgeDataError

    rec = Recognizer.load(Path("content/knowledge"))   # reads every *.yaml; KnowledgeDataError on bad data
    r = rec.recognize(text, lang)                       # lang: the user's current language, "nl" or "en";
                                                        # the text itself may be in either language
    r.kind        # "intent":  start the task r.intent (one of INTENT_NAMES)
                  # "answer":  reply rec.entry(r.entry_id).render(lang, facts)
                  # "suggest": offer r.candidates (1-3 entry ids, never intents) as "did you mean"
                  #            choices, labelled rec.entry(id).question[lang]
                  # "none":    say plainly there is no answer and offer to pass the question on
    r.score       # best similarity, 0..1
    r.lang_guess  # "nl", "en" or None: the language the text seems to be written in

    rec.match_command(text, allowed)   # strict: an intent name of `allowed` only when the whole message is
                                       # (nearly) one of its phrasings, e.g. "help", "stop", "annuleren",
                                       # "English please" inside a guided dialog; strip an @mention first
    rec.entry(entry_id)                # KnowledgeEntry: .id, .question[lang], .answer[lang],
                                       # .examples[lang], .follow_ups (entry ids); KeyError if unknown
    rec.entries()                      # all entries, in data order
    rec.add_entry(entry)               # add or replace an entry at run time; the index is updated incrementally
                                       # (tens to hundreds of ms: use asyncio.to_thread) and swapped in one
                                       # assignment, with the same result as indexing everything anew
    rec.remove_entry(entry_id)         # the same for removing an entry (KeyError if unknown)

    KnowledgeEntry.render(lang, facts) # the answer with the facts filled in; `facts` holds the keys of
                                       # FACT_KEYS, already localized (session_date, fund_name, ...)

Questions ("waar kunnen we doneren?", "hoe meld ik me aan?") get FAQ answers; wishes and commands
("ik wil doneren", "aanmelden", "sign me up") get intents; "wat kun je?" / "what can you do?" is the
`help` intent. Recognition is deterministic: it does not depend on the hash seed or on earlier questions.
The index keeps inverted lists in numpy arrays and ranks only the best entries, so recognition stays
under a few milliseconds with thousands of entries; typos are corrected through a symmetric-delete index.
Accuracy and speed: `benchmarks/qa_benchmark.py` (with a 2,000-entry scaling run); data format: the comments in `content/knowledge/*.yaml`.
"""

from .errors import KnowledgeDataError
from .model import FACT_KEYS, INTENT_NAMES, KnowledgeEntry, Recognition
from .recognizer import Recognizer

__all__ = ["FACT_KEYS", "INTENT_NAMES", "KnowledgeDataError", "KnowledgeEntry", "Recognition", "Recognizer"]
