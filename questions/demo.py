"""Demo questions with their answers in the demo communities: one solved, one urgent, one
still open. Loading again changes nothing (a question is found again by its community and
title). Written straight to the tables: the demo e-mails nobody."""

from datetime import timedelta

from django.utils import timezone

from communities.models import Community, Membership
from meetings.demo import DEMO_SLUGS
from questions.models import Answer, Question

QUESTIONS = [
    {
        "title": "Ponceau effondré après l’orage : quelle réparation temporaire ?",
        "urgent": True,
        "details": (
            "Un ponceau de 1 200 mm en TTOG s’est effondré cette nuit sous le rang 4, après "
            "65 mm de pluie. La route est fermée et l’autobus scolaire fait un détour de 20 km.\n\n"
            "Quelqu’un a-t-il déjà posé une structure temporaire (ponceau provisoire, pont "
            "Bailey) en attendant le remplacement ? Quels délais avec le MTMD et le MELCCFP ?"
        ),
        "answers": [
            "Nous avons loué un pont Bailey l’an dernier pour un cas semblable : installé en "
            "quatre jours, environ 18 000 $ par mois. Je peux vous passer le nom du fournisseur.",
            "Pour une intervention d’urgence, un avis au MELCCFP suffit dans un premier temps "
            "(article 128 du REAFIE) : gardez des photos de l’effondrement et du cours d’eau.",
        ],
        "solved_by": None,
    },
    {
        "title": "Clause de pénalité de retard dans un appel d’offres de travaux",
        "urgent": False,
        "details": (
            "Nous préparons l’appel d’offres pour la réfection de la rue Principale. Quel "
            "montant de pénalité par jour de retard utilisez-vous, et l’avez-vous déjà "
            "appliquée sans contestation ?"
        ),
        "answers": [
            "Nous mettons 0,1 % du prix du contrat par jour, avec un minimum de 500 $. Elle a "
            "tenu devant l’entrepreneur parce que le calendrier était au devis et signé.",
            "Attention à l’écrire comme une estimation des dommages réels : une pénalité jugée "
            "abusive peut être réduite par le tribunal (article 1623 du Code civil).",
        ],
        "solved_by": 0,
    },
    {
        "title": "Logiciel de gestion des demandes citoyennes pour les travaux publics",
        "urgent": False,
        "details": (
            "Nous comparons des logiciels pour suivre les requêtes (nids-de-poule, "
            "lampadaires, bris d’aqueduc). Lequel utilisez-vous et en êtes-vous satisfaits ?"
        ),
        "answers": [],
        "solved_by": None,
    },
]


def load_demo() -> dict:
    now = timezone.now()
    for community in Community.objects.filter(slug__in=DEMO_SLUGS).order_by("pk"):
        members = [
            membership.member
            for membership in Membership.objects.filter(community=community)
            .select_related("member")
            .order_by("pk")
        ]
        if len(members) < 2:
            continue
        for index, planned in enumerate(QUESTIONS):
            author = members[index % len(members)]
            question, created = Question.objects.get_or_create(
                community=community,
                title=planned["title"],
                defaults={
                    "author": author,
                    "details": planned["details"],
                    "urgent": planned["urgent"],
                },
            )
            if not created:
                continue
            # Asked over the past days (within the week the digest covers), the urgent one today.
            asked_at = now - timedelta(days=index * 3 + (0 if planned["urgent"] else 2))
            Question.objects.filter(pk=question.pk).update(created_at=asked_at)
            answerers = [m for m in members if m != author]
            for position, body in enumerate(planned["answers"]):
                answer = Answer.objects.create(
                    question=question,
                    author=answerers[position % len(answerers)],
                    body=body,
                    is_solution=planned["solved_by"] == position,
                )
                Answer.objects.filter(pk=answer.pk).update(
                    created_at=asked_at + timedelta(hours=2 + position * 3)
                )
            if planned["solved_by"] is not None:
                Question.objects.filter(pk=question.pk).update(
                    solved_at=asked_at + timedelta(days=1)
                )
    return {"questions": Question.objects.count(), "answers": Answer.objects.count()}
