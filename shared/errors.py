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
    """A count or a share that is not one."""


class InvalidText(InputError):
    """A text field given as an object, list or true/false, or longer than any field needs."""


class InvalidBoolean(InputError):
    """A yes/no field given as something other than true/false, 是/否 and their like."""


class UnknownValue(InputError):
    """A code outside its list: platform, competitor platform, campaign, payment method."""


class DataFileError(Exception):
    """A data file refused at load (a campaign calendar, the rule catalog, the field table, the
    vocabulary), naming the file and the field."""

    def __init__(self, path, field: str, problem: str):
        super().__init__(f"{path}: field '{field}': {problem}")
        self.path = str(path)
        self.field = field
        self.problem = problem
