from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from transfer_portal.lib import mail
from transfer_portal.lib.admin_columns import short_datetime
from transfer_portal.lib.models import Mail


@admin.register(Mail)
class MailAdmin(admin.ModelAdmin):
    """The portal's outgoing mail, read-only: what waits, what went out, what failed and why;
    failed mail can be sent again."""

    list_display = ["subject", "recipients", "status", "attempts", "created", "sent"]
    list_filter = ["status", "category"]
    search_fields = ["subject", "to"]
    actions = ["send_again"]
    fields = [
        "status",
        "recipients",
        "reply_to",
        "subject",
        "body",
        "attachment_names",
        "category",
        "language",
        "attempts",
        "last_error",
        "created_at",
        "next_attempt_at",
        "claimed_at",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Sending again goes through the action; a mail's text is what was sent.
        return False

    @admin.display(description=_("recipients"))
    def recipients(self, obj):
        return obj.recipients

    @admin.display(description=_("attachments"))
    def attachment_names(self, obj):
        return ", ".join(item["filename"] for item in obj.attachments) or "–"

    @admin.display(description=_("created"), ordering="created_at")
    def created(self, obj):
        return short_datetime(obj.created_at)

    @admin.display(description=_("sent at"), ordering="sent_at")
    def sent(self, obj):
        return short_datetime(obj.sent_at) if obj.sent_at else "–"

    def has_send_again_permission(self, request):
        return request.user.has_perm("lib.send_mail_again")

    @admin.action(description=_("Send again"), permissions=["send_again"])
    def send_again(self, request, queryset):
        count = mail.send_again(queryset.exclude(status=Mail.Status.SENT))
        if count:
            self.message_user(
                request,
                ngettext(
                    "%(count)d e-mail is queued again.",
                    "%(count)d e-mails are queued again.",
                    count,
                )
                % {"count": count},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request, _("Sent e-mails are not sent a second time."), messages.WARNING
            )
