from django.conf import settings
from whitenoise.middleware import WhiteNoiseMiddleware


class StaticAndGovukAssetsMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise for /static/, plus GOV.UK Frontend's fonts and images at /assets/.

    The compiled GOV.UK stylesheet points at /assets/fonts/...; serving them there avoids rebuilding the
    stylesheet with Sass just to change one path.
    """

    def __init__(self, get_response=None, settings=settings):
        super().__init__(get_response, settings=settings)
        self.add_files(str(settings.GOVUK_ASSETS_DIR), prefix="assets/")
