from pathlib import Path

from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticAndGovukAssetsMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise for /static/, plus GOV.UK Frontend's fonts and images at /assets/.

    The compiled GOV.UK stylesheet points at /assets/fonts/...; serving them there avoids rebuilding the
    stylesheet with Sass just to change one path.
    """

    def __init__(self, get_response=None, settings=settings):
        # In development and tests files come from the finders; collectstatic fills this folder in production.
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        super().__init__(get_response, settings=settings)
        self.add_files(str(settings.GOVUK_ASSETS_DIR), prefix="assets/")
