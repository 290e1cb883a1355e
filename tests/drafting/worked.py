"""A worked case for the plan's rule modules: six advices as the advice app stores them, and the request's views."""

from datetime import date

from drafting.content import (
    AdviceInput,
    AssemblyInputs,
    NeedInput,
    OutcomeInput,
    ProvisionInput,
    RequestViews,
)

FAMILY = AdviceInput(
    submission_id=101,
    request_id=11,
    kind="family",
    author_name="Jo Parent",
    author_role="Parent",
    submitted_on=date(2026, 2, 2),
    answers={
        "answers": {
            "strengths": "Kind, funny and loves building things.",
            "worries": "He gets very upset when plans change.",
            "likes": "Trains and drawing.",
            "hard": "Reading and when it is noisy.",
            "how_gathered": "",
        }
    },
)
SCHOOL = AdviceInput(
    submission_id=102,
    request_id=12,
    kind="educational",
    author_name="Pat Head",
    author_role="SENCo",
    submitted_on=date(2026, 2, 10),
    assessed_on=date(2026, 2, 3),
    needs=(
        NeedInput(
            1,
            "Reading is two years behind age expectations.",
            section="B",
            area="cognition_learning",
            sen2_type="SPLD",
            evidence="Reading age 6.2 at 8.3",
        ),
        NeedInput(
            2,
            "Finds it hard to follow spoken instructions in class.",
            section="B",
            area="communication_interaction",
            sen2_type="SLCN",
            position=1,
        ),
    ),
    outcomes=(
        OutcomeInput(
            10,
            "Reads a book for his age with understanding",
            by_when="By the end of Year 5",
            measure="Reading age, tested termly",
            need_ids=(1,),
        ),
    ),
    provision=(
        ProvisionInput(
            20,
            "Small group phonics",
            section="F",
            who="a trained teaching assistant",
            frequency="3 times a week",
            duration="30 minutes",
            group_size="4",
            need_id=1,
            outcome_id=10,
        ),
        ProvisionInput(
            21,
            "Language programme set by the speech and language therapist",
            section="F",
            who="a teaching assistant",
            frequency="once a week",
            duration="20 minutes",
            need_id=2,
            position=1,
        ),
    ),
)
SALT = AdviceInput(
    submission_id=103,
    request_id=13,
    kind="speech_and_language",
    author_name="Sam Therapist",
    author_role="Speech and language therapist",
    submitted_on=date(2026, 2, 12),
    needs=(
        NeedInput(
            30,
            "finds it hard to follow spoken instructions in class",
            section="B",
            area="communication_interaction",
            sen2_type="SLCN",
            evidence="CELF-5 receptive score 72",
        ),
    ),
    outcomes=(
        OutcomeInput(
            31,
            "Follows two-step instructions in class without help",
            by_when="By July 2027",
            measure="Class teacher's observation each half term",
            need_ids=(30,),
        ),
    ),
    provision=(
        ProvisionInput(
            32,
            "Language programme set by the speech and language therapist",
            section="F",
            who="a teaching assistant",
            frequency="3 times a week",
            duration="20 minutes",
            outcome_id=31,
        ),
        ProvisionInput(
            33,
            "Therapy review with the class teacher",
            section="F",
            who="the speech and language therapist",
            frequency="once a term",
            duration="45 minutes",
            need_id=30,
            outcome_id=31,
            position=1,
        ),
    ),
)
EP = AdviceInput(
    submission_id=104,
    request_id=14,
    kind="psychological",
    author_name="Lee Psychologist",
    author_role="Educational psychologist",
    submitted_on=date(2026, 2, 20),
    needs=(
        NeedInput(
            40,
            "Becomes anxious when routines change",
            section="B",
            area="semh",
            sen2_type="SEMH",
        ),
    ),
    outcomes=(
        OutcomeInput(
            41,
            "Copes with changes to his day with a visual timetable",
            by_when="By the end of Year 5",
            measure="Number of incidents recorded weekly",
            need_ids=(40,),
        ),
    ),
    provision=(
        ProvisionInput(
            42,
            "Check-in with his key adult using a visual timetable",
            section="F",
            who="his key adult (a teaching assistant)",
            frequency="every morning",
            duration="10 minutes",
            need_id=40,
            outcome_id=41,
        ),
    ),
)
HEALTH = AdviceInput(
    submission_id=105,
    request_id=15,
    kind="medical",
    author_name="Ria Paediatrician",
    author_role="Community paediatrician",
    submitted_on=date(2026, 2, 25),
    needs=(NeedInput(50, "Epilepsy, controlled by medication", section="C"),),
    outcomes=(
        OutcomeInput(
            51,
            "Stays safe at school during a seizure",
            by_when="From the start of the plan",
            measure="Seizure log reviewed termly by the school nurse",
            need_ids=(50,),
        ),
    ),
    provision=(
        ProvisionInput(
            52,
            "Seizure care plan written and staff trained",
            section="G",
            who="the school nurse",
            frequency="once a term",
            duration="for the length of the plan",
            need_id=50,
            outcome_id=51,
        ),
    ),
)
SOCIAL = AdviceInput(
    submission_id=106,
    request_id=16,
    kind="social_care",
    author_name="Kim Worker",
    author_role="Social worker",
    submitted_on=date(2026, 3, 1),
    needs=(NeedInput(60, "The family needs breaks from caring", section="D"),),
    outcomes=(
        OutcomeInput(
            61,
            "The family has regular time to rest",
            by_when="Within 6 months",
            measure="Family review with the social worker every 3 months",
            need_ids=(60,),
        ),
    ),
    provision=(
        ProvisionInput(
            62,
            "Short breaks at a local play scheme",
            section="H2",
            who="the council's short breaks service",
            frequency="one Saturday a month",
            duration="6 hours",
            need_id=60,
            outcome_id=61,
        ),
    ),
)
ADVICE = (FAMILY, SCHOOL, SALT, EP, HEALTH, SOCIAL)
REQUEST = RequestViews(child_views="I like school when it is quiet.", family_views="We want him to read.")


def inputs(*advice: AdviceInput) -> AssemblyInputs:
    return AssemblyInputs(advice=tuple(advice or ADVICE), request=REQUEST)
