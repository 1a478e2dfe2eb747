"""Our hooks into the action server, by rasa_sdk's own plugin mechanism: when it starts, rasa_sdk imports a package
named `rasa_sdk_plugins` and calls its init_hooks. Each webhook call (one custom action of a turn) is timed as
careline_stage_seconds{stage="actions"} in the action server's metrics (actions/answer.py), the stage the gateway
sees only inside its `rasa` stage."""

from __future__ import annotations

import time

import pluggy

WEBHOOK = "/webhook"
hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ActionTiming:
    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        from actions.answer import STAGE_SECONDS

        @app.on_request
        async def started(request) -> None:
            if request.path == WEBHOOK:
                request.ctx.careline_started = time.perf_counter()

        @app.on_response
        async def finished(request, _response) -> None:
            started_at = getattr(request.ctx, "careline_started", None)
            if started_at is not None:
                STAGE_SECONDS.labels("actions").observe(time.perf_counter() - started_at)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionTiming())
