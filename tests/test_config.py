import pytest

from assistant.config import Settings
from assistant.errors import ConfigError


def test_environment_variables_set_the_knobs():
    env = {
        "ASSISTANT_QUANTIZE": "int8",
        "ASSISTANT_CANDIDATES": "2",
        "ASSISTANT_BACKEND": "llama.cpp",
    }
    settings = Settings.from_env(env)
    assert (settings.quantize, settings.candidates, settings.backend) == ("int8", 2, "llama.cpp")
    assert Settings.from_env({}).quantize == "none"


@pytest.mark.parametrize(
    "env, message",
    [
        (
            {"ASSISTANT_QUANTIZE": "int4"},
            "quantize must be 'none' or 'int8'. Currently it is 'int4'.",
        ),
        (
            {"ASSISTANT_DTYPE": "float16"},
            "dtype must be one of auto, float32, bfloat16. Currently it is 'float16'.",
        ),
        ({"ASSISTANT_BACKEND": "vllm"}, "backend must be one of auto, transformers, llama.cpp"),
        ({"ASSISTANT_STREAMING": "all"}, "streaming must be 'first-alone' or 'batched'."),
        ({"ASSISTANT_CANDIDATES": "three"}, "ASSISTANT_CANDIDATES must be a whole number"),
        ({"ASSISTANT_TOP_K": "0"}, "top_k must be greater than 0. Currently, top_k is 0."),
    ],
)
def test_bad_settings_name_the_value_and_the_fix(env, message):
    with pytest.raises(ConfigError) as info:
        Settings.from_env(env)
    assert message in str(info.value)


def test_every_backend_settings_accept_is_one_the_registry_builds():
    from assistant.backends.registry import REGISTRY
    from assistant.config import BACKENDS

    assert tuple(REGISTRY) == BACKENDS == ("auto", "transformers", "llama.cpp")
