"""Domain errors raised by the core; clients turn them into per-field messages."""


class InputError(ValueError):
    """A value the core cannot use, with a reason in Chinese and English."""

    def __init__(self, message: str, message_en: str):
        super().__init__(message_en)
        self.message = message
        self.message_en = message_en


class InvalidTime(InputError):
    pass


class InvalidAmount(InputError):
    pass


class InvalidNumber(InputError):
    pass


class UnknownValue(InputError):
    """A code outside its list: platform, competitor platform, campaign, payment method."""


class CampaignFileError(Exception):
    """A campaign or catalog data file that is refused at load, naming the file and field."""

    def __init__(self, path, field: str, problem: str):
        super().__init__(f"{path}: field '{field}': {problem}")
        self.path = str(path)
        self.field = field
        self.problem = problem
