"""Start the app: settings -> assistant -> build_app(...).launch() on 127.0.0.1 by default."""

import os

from assistant.ui import build_app

from assistant import Assistant, Settings

if __name__ == "__main__":
    assistant = Assistant(Settings.from_env())
    assistant.warm_up()
    demo = build_app(assistant)
    demo.launch(server_name=os.environ.get("GRADIO_SERVER_NAME", "127.0.0.1"))
