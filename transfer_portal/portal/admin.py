from django.contrib import admin

from transfer_portal.portal.models import DigestSent, LegalPage, Subscriber


@admin.register(LegalPage)
class LegalPageAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "updated_at"]
    search_fields = ["title", "body"]

    def has_delete_permission(self, request, obj=None):
        # /impressum/, /datenschutz/ and /barrierefreiheit/ must always answer.
        return False

    def get_readonly_fields(self, request, obj=None):
        return ["kind"] if obj is not None else []

    def has_add_permission(self, request):
        # The three pages have fixed addresses; they are created by the initial content.
        return super().has_add_permission(request) and LegalPage.objects.count() < len(
            LegalPage.Kind
        )


class DigestSentInline(admin.TabularInline):
    model = DigestSent
    fields = ["period", "items", "covers_from", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # written by the digest job only


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Subscribers of the digest: to look up, correct what someone chose, or delete an
    address on request. New subscriptions come from the portal's form (double opt-in)."""

    list_display = ["email", "frequency", "confirmed_at", "new_surveys", "created_at"]
    list_filter = ["frequency", ("confirmed_at", admin.EmptyFieldListFilter), "new_surveys"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "user",
        "frequency",
        "topics",
        "projects",
        "offers",
        "new_surveys",
        "language",
        "confirmed_at",
        "confirm_expires_at",
        "created_at",
    ]
    readonly_fields = [
        "email",
        "user",
        "language",
        "confirmed_at",
        "confirm_expires_at",
        "created_at",
    ]
    filter_horizontal = ["topics", "projects", "offers"]
    inlines = [DigestSentInline]

    def has_add_permission(self, request):
        return False  # only the address's owner subscribes it (confirmation by e-mail)
