"""Honest starting texts for the legal pages: they say what DABB still has to complete."""

from transfer_portal.portal.models import LegalPage

LEGAL_PAGES = {
    LegalPage.Kind.IMPRINT: (
        "Impressum",
        "Dieses Portal ist ein Angebot der DigitalAgentur Brandenburg (DABB).\n\n"
        "Die vollständigen Pflichtangaben nach § 5 DDG (Anschrift, Vertretungsberechtigte, "
        "Registereintrag, Kontakt) ergänzt die Redaktion der DABB vor der Veröffentlichung "
        "des Portals.",
    ),
    LegalPage.Kind.PRIVACY: (
        "Datenschutzerklärung",
        "Die DigitalAgentur Brandenburg verarbeitet in diesem Portal personenbezogene Daten "
        "nur, soweit sie für die Nutzung der Angebote nötig sind: für ein Benutzerkonto, "
        "die Teilnahme an Umfragen, Anmeldungen zu Terminen und Fragen an die "
        "Modellprojekte. Welche Daten das im Einzelnen sind, wozu und wie lange sie "
        "gespeichert werden, zeigt die Übersicht unten.\n\n"
        "Die vollständige Datenschutzerklärung mit Verantwortlicher Stelle, "
        "Datenschutzbeauftragter Person, Rechtsgrundlagen und Speicherfristen ergänzt die "
        "Redaktion der DABB vor der Veröffentlichung des Portals.",
    ),
    LegalPage.Kind.ACCESSIBILITY: (
        "Erklärung zur Barrierefreiheit",
        "Die DigitalAgentur Brandenburg ist bemüht, dieses Portal im Einklang mit der "
        "Brandenburgischen Barrierefreie-Informationstechnik-Verordnung (BbgBITV) und der "
        "BITV 2.0 barrierefrei zugänglich zu machen. Die Seiten werden bei der Entwicklung "
        "automatisch mit axe-core (WCAG 2.1 A/AA) und dem Nu Html Checker geprüft.\n\n"
        "Eine manuelle Prüfung, der Stand der Vereinbarkeit, ein Feedback-Kontakt und der "
        "Hinweis auf das Durchsetzungsverfahren werden von der Redaktion der DABB vor der "
        "Veröffentlichung des Portals ergänzt.",
    ),
}


def load():
    for kind, (title, body) in LEGAL_PAGES.items():
        LegalPage.objects.get_or_create(kind=kind, defaults={"title": title, "body": body})
