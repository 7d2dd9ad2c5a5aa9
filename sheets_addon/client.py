"""An authorized gspread client for a service account, and the dev/test seam that sends
Google API traffic to a local stand-in instead of ``*.googleapis.com``."""
import os
from urllib.parse import urlsplit

import google.auth.transport.requests
import gspread
import requests
from google.oauth2.service_account import Credentials
from requests.adapters import HTTPAdapter

SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
# Dev/test only: every https://*.googleapis.com/... request goes to this base URL instead.
BASE_URL_ENV = "JDPG_GOOGLEAPIS_BASE_URL"


class GoogleApisToBase(HTTPAdapter):
    """Sends ``https://<anything>.googleapis.com/<path>`` to ``<base_url>/<path>``.

    Mounted on both the token session and the API session, so the service-account token
    grant, the Sheets calls and google-auth's background regional-access-boundary lookup all
    reach the stand-in and nothing leaves loopback.
    """

    # google-auth deep-copies the token session for its background lookup; requests'
    # adapters pickle only the names in __attrs__.
    __attrs__ = HTTPAdapter.__attrs__ + ["base_url"]

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url.rstrip("/")

    def send(self, request, **kwargs):
        parts = urlsplit(request.url)
        host = parts.hostname or ""
        if host == "googleapis.com" or host.endswith(".googleapis.com"):
            request.url = self.base_url + request.url[len(f"{parts.scheme}://{parts.netloc}"):]
        return super().send(request, **kwargs)


def load_credentials(path: str | None) -> Credentials:
    """Service-account credentials from a key file (``--credentials``, else
    ``GOOGLE_APPLICATION_CREDENTIALS``, else gspread's default location)."""
    path = path or os.environ.get("GOOGLE_APPLICATION_CREDENTIALS") or os.path.expanduser(
        "~/.config/gspread/service_account.json")
    return Credentials.from_service_account_file(path, scopes=SCOPES)


def make_client(credentials: Credentials, api_base_url: str | None = None) -> gspread.Client:
    """A gspread client retrying 429/5xx; with ``api_base_url`` (tests, local development)
    every Google API request goes there instead of Google."""
    api_base_url = api_base_url or os.environ.get(BASE_URL_ENV)
    if not api_base_url:
        return gspread.authorize(credentials, http_client=gspread.BackOffHTTPClient)
    adapter = GoogleApisToBase(api_base_url)
    token_http = requests.Session()
    token_http.mount("https://", adapter)
    session = google.auth.transport.requests.AuthorizedSession(
        credentials, auth_request=google.auth.transport.requests.Request(token_http))
    session.mount("https://", adapter)
    client = gspread.authorize(credentials, session=session, http_client=gspread.BackOffHTTPClient)
    client.http_client.auth = credentials
    return client
