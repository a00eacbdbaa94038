from django.contrib import admin

from transfer_portal.portal.models import LegalPage


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
