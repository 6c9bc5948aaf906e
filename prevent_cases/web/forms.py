"""Forms of the core."""

from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages in the service's voice."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case sensitive.",
        "inactive": "This account is not active. Contact your administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username."
        self.fields["password"].error_messages["required"] = "Enter your password."
        # autofocus would carry keyboard and screen reader users past the page heading.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})


class ChosenPasswordForm(SetPasswordForm):
    """Django's set-password form for a user choosing their own password, in the service's
    voice. The service's password validators check it, and their complaints go under the
    first field, where the password was typed."""

    error_messages = {"password_mismatch": "Enter the same password in both fields."}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        password, confirmation = self.fields["new_password1"], self.fields["new_password2"]
        password.label = "Password"
        # Plain sentences from the validators themselves, so the hint keeps up with them.
        password.help_text = " ".join(password_validation.password_validators_help_texts())
        password.error_messages["required"] = "Enter a password."
        confirmation.label = "Confirm password"
        confirmation.help_text = ""
        confirmation.error_messages["required"] = "Enter the password again to confirm it."

    def clean(self) -> dict:
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return self.cleaned_data
