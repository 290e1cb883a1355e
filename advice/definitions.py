"""The advice e-forms, declared: one definition per kind of advice, a common core plus the discipline's own parts.

Pure: no Django. Pages, the API and the PDF are all built from these definitions, so a new discipline is a new
definition here, not a new view. The common core follows the plan (reg 12): needs by area of need (section B, or
C for health, D for social care), outcomes sought, and provision specified and quantified (F, or G for health,
H1/H2 for social care), so the draft plan is assembled from the advice without retyping.
"""

from dataclasses import dataclass
from enum import StrEnum

from advice.ras import AREAS, COGNITION, COMMUNICATION, SEMH, SENSORY_PHYSICAL


class Kind(StrEnum):
    FAMILY = "family"
    EDUCATIONAL = "educational"
    MEDICAL = "medical"
    PSYCHOLOGICAL = "psychological"
    SOCIAL_CARE = "social_care"
    SPEECH_AND_LANGUAGE = "speech_and_language"
    OCCUPATIONAL_THERAPY = "occupational_therapy"
    PREPARATION_FOR_ADULTHOOD = "preparation_for_adulthood"
    OTHER = "other"


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    hint: str = ""
    # text, textarea, date, choice, yesno
    kind: str = "textarea"
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Part:
    key: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Definition:
    kind: Kind
    title: str
    # The letter of reg 6(1) of the SEND Regulations 2014 this advice answers.
    regulation: str
    who: str
    # The plan section its needs go to and the sections its provision may go to.
    needs_section: str
    provision_sections: tuple[str, ...]
    # The areas of need whose RAS level this discipline gives (none for the family, social care and others).
    ras_areas: tuple[str, ...]
    parts: tuple[Part, ...]
    # The family fills it from their own account; the others are professionals.
    by_family: bool = False
    # Only asked for from Year 9 (reg 6(1)(g)).
    from_year_9: bool = False

    def all_questions(self) -> tuple[Question, ...]:
        return tuple(q for part in (*self.parts, *CORE_PARTS) for q in part.questions)


ASSESSED = Part(
    "assessment",
    "How you assessed the child",
    (
        Question(
            "assessed_on", "Date of your assessment", "The last date you saw or assessed the child", "date"
        ),
        Question(
            "methods",
            "How you assessed them",
            "For example: observed in class, met the child, spoke with the parent, standardised tests",
        ),
        Question("background", "What you already knew of the child", required=False),
    ),
)
SUMMARY = Part(
    "summary",
    "Summary for the family",
    (
        Question(
            "family_summary",
            "Summary for the family, in plain English",
            "Short sentences, no abbreviations. The family and the plan read this; nobody writes a second summary.",
        ),
    ),
)
# The needs, outcomes and provision are repeating structured items (see advice.models); these are the core's
# free-text questions around them.
CORE_PARTS = (ASSESSED, SUMMARY)

DEFINITIONS: dict[Kind, Definition] = {
    d.kind: d
    for d in [
        Definition(
            Kind.FAMILY,
            "Your advice as a family",
            "a",
            "The parent or carer, and the child or young person",
            needs_section="A",
            provision_sections=(),
            ras_areas=(),
            by_family=True,
            parts=(
                Part(
                    "family_views",
                    "About your child",
                    (
                        Question("strengths", "What your child is good at and enjoys"),
                        Question("worries", "What worries you and what is hard for your child"),
                        Question("what_helps", "What helps your child, at home and at school"),
                        Question("hopes", "Your hopes for your child's future"),
                    ),
                ),
                Part(
                    "child_views",
                    "In the child's or young person's own words",
                    (
                        Question("likes", "What I like and what I am good at"),
                        Question("hard", "What I find hard"),
                        Question("help", "What helps me"),
                        Question("future", "What I want to do when I am older"),
                        Question(
                            "how_gathered",
                            "How these views were gathered",
                            "For example: in their own words, with pictures, with help from a parent",
                            required=False,
                        ),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.EDUCATIONAL,
            "Educational advice (Appendix B)",
            "b",
            "The head teacher or SENCo of the school or setting",
            needs_section="B",
            provision_sections=("F",),
            ras_areas=(COGNITION, SEMH),
            parts=(
                Part(
                    "school",
                    "At school",
                    (
                        Question(
                            "attainment",
                            "Attainment and progress",
                            "Current levels and progress over the last year",
                        ),
                        Question(
                            "attendance",
                            "Attendance",
                            "Percentage this year, and any part-time timetable",
                            "text",
                        ),
                        Question(
                            "sen_support",
                            "Support already given (assess, plan, do, review)",
                            "What was tried, for how long, and what difference it made",
                        ),
                        Question(
                            "funding",
                            "Extra funding already spent on support this year",
                            kind="text",
                            required=False,
                        ),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.PSYCHOLOGICAL,
            "Psychological advice",
            "d",
            "An educational psychologist",
            needs_section="B",
            provision_sections=("F",),
            ras_areas=AREAS,
            parts=(
                Part(
                    "psychology",
                    "Psychological assessment",
                    (
                        Question("cognitive_profile", "Cognitive and learning profile"),
                        Question("tests", "Standardised assessments used and results", required=False),
                        Question("consultation", "Consultation with the family and school"),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.SPEECH_AND_LANGUAGE,
            "Speech and language therapy advice",
            "f",
            "A speech and language therapist",
            needs_section="B",
            provision_sections=("F",),
            ras_areas=(COMMUNICATION,),
            parts=(
                Part(
                    "communication",
                    "Speech, language and communication",
                    (
                        Question("receptive", "Understanding of language (receptive)"),
                        Question("expressive", "Use of language (expressive)"),
                        Question("speech", "Speech sounds and fluency", required=False),
                        Question("social_communication", "Social communication and interaction"),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.OCCUPATIONAL_THERAPY,
            "Occupational therapy advice",
            "f",
            "An occupational therapist",
            needs_section="B",
            provision_sections=("F", "G"),
            ras_areas=(SENSORY_PHYSICAL,),
            parts=(
                Part(
                    "function",
                    "Daily living and function",
                    (
                        Question("motor", "Fine and gross motor skills"),
                        Question("sensory", "Sensory processing"),
                        Question("self_care", "Self-care and independence", required=False),
                        Question("equipment", "Equipment and adaptations needed", required=False),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.MEDICAL,
            "Health advice",
            "c",
            "A health professional (paediatrics, CAMHS, nursing, therapies)",
            needs_section="C",
            provision_sections=("G",),
            ras_areas=(SENSORY_PHYSICAL, SEMH),
            parts=(
                Part(
                    "health",
                    "Health",
                    (
                        Question(
                            "service",
                            "Your service",
                            kind="choice",
                            choices=(
                                ("paediatrics", "Community paediatrics"),
                                ("camhs", "Child and adolescent mental health (CAMHS)"),
                                ("nursing", "School or specialist nursing"),
                                ("therapies", "Therapies"),
                                ("other", "Another health service"),
                            ),
                        ),
                        Question("diagnoses", "Diagnoses and health conditions"),
                        Question(
                            "medication", "Medication and health care needed during the day", required=False
                        ),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.SOCIAL_CARE,
            "Social care advice",
            "e",
            "Children's social care (or adult social care for young people over 18)",
            needs_section="D",
            provision_sections=("H1", "H2"),
            ras_areas=(),
            parts=(
                Part(
                    "social_care",
                    "Social care",
                    (
                        Question(
                            "involvement",
                            "Social care involvement",
                            "Child in need, child protection, looked after, short breaks",
                        ),
                        Question("family_support", "Support the family receives now", required=False),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.PREPARATION_FOR_ADULTHOOD,
            "Preparing for adulthood",
            "g",
            "Someone who can advise on the move to adult life (from Year 9)",
            needs_section="B",
            provision_sections=("F", "G", "H1", "H2"),
            ras_areas=(),
            from_year_9=True,
            parts=(
                Part(
                    "adulthood",
                    "Preparing for adulthood",
                    (
                        Question("employment", "Higher education and employment"),
                        Question("independent_living", "Independent living"),
                        Question("community", "Friends, relationships and community"),
                        Question("health", "Being as healthy as possible in adult life"),
                    ),
                ),
            ),
        ),
        Definition(
            Kind.OTHER,
            "Other advice",
            "f",
            "Anyone else the council or the family reasonably asks for advice",
            needs_section="B",
            provision_sections=("F",),
            ras_areas=(),
            parts=(
                Part("other", "Your involvement", (Question("role", "Your involvement with the child"),)),
            ),
        ),
    ]
}


def definition(kind: str) -> Definition:
    return DEFINITIONS[Kind(kind)]


def reg_6_1_checklist(*, year_group: int | None) -> list[Definition]:
    """What reg 6(1) requires the council to seek for this child, in the regulation's order."""
    order = ("a", "b", "c", "d", "e", "f", "g")
    wanted = [
        DEFINITIONS[Kind.FAMILY],
        DEFINITIONS[Kind.EDUCATIONAL],
        DEFINITIONS[Kind.MEDICAL],
        DEFINITIONS[Kind.PSYCHOLOGICAL],
        DEFINITIONS[Kind.SOCIAL_CARE],
    ]
    if year_group is not None and year_group >= 9:
        wanted.append(DEFINITIONS[Kind.PREPARATION_FOR_ADULTHOOD])
    return sorted(wanted, key=lambda d: order.index(d.regulation))
