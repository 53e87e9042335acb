"""Start the app: settings -> assistant -> build_app(...).launch(), on 127.0.0.1 by default.

    python app.py                                   # http://127.0.0.1:7860, no sign-in
    ASSISTANT_USERS="ana:pw:agent,tom:pw:trainer" GRADIO_SERVER_NAME=0.0.0.0 python app.py

See docs/app.md for the rooms, the sign-in format and the API.
"""

import sys

from assistant import Assistant, AssistantError, Settings
from assistant.app.page import build_app, launch_options

if __name__ == "__main__":
    try:
        assistant = Assistant(Settings.from_env())
        options = launch_options(assistant)  # refuses an exposed address without users, early
        assistant.warm_up()
        build_app(assistant).queue().launch(**options)
    except AssistantError as exc:
        sys.exit(f"error: {exc}")
