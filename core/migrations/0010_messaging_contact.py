import django.core.validators
from django.db import migrations, models


def _contact_fields():
    return [
        ("message_channel", models.CharField(
            blank=True, choices=[("email", "E-mail"), ("sms", "SMS"), ("whatsapp", "WhatsApp")],
            max_length=10, verbose_name="messages by")),
        ("mobile_number", models.CharField(
            blank=True, max_length=16, verbose_name="mobile number for SMS or WhatsApp",
            validators=[django.core.validators.RegexValidator(
                "^\\+[1-9]\\d{7,14}$",
                "Write the number with its country code, e.g. +13125550123.")])),
        ("message_consent", models.BooleanField(
            default=False, verbose_name="agrees to receive messages")),
        ("messages_opted_out_at", models.DateTimeField(
            blank=True, editable=False, null=True, verbose_name="asked to stop messages on")),
    ]


class Migration(migrations.Migration):
    dependencies = [("core", "0009_beneficiary_search")]

    operations = [
        *[migrations.AddField(model_name="beneficiary", name=name, field=field)
          for name, field in _contact_fields()],
        *[migrations.AddField(model_name="familycontact", name=name, field=field)
          for name, field in _contact_fields()],
        migrations.AddField(
            model_name="familycontact", name="language",
            field=models.CharField(
                choices=[("es", "Spanish"), ("en", "English"), ("nah", "Nahuatl"),
                         ("yua", "Yucatec Maya"), ("mix", "Mixtec"), ("zap", "Zapotec"),
                         ("tzo", "Tzotzil"), ("tzh", "Tzeltal"), ("oto", "Otomi"),
                         ("maz", "Mazahua"), ("trs", "Triqui"), ("tsz", "Purepecha"),
                         ("other", "Other")],
                default="es", max_length=8, verbose_name="language")),
    ]
