"""Forms of the core."""

from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    """Django's sign-in form with messages in the service's voice."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Both are case sensitive.",
        "inactive": "This account is not active. Contact your administrator.",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})
