"""Start and stop the three processes: action server, Rasa, gateway."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

from nursing.settings import Settings as NursingSettings
from scripts.model import ROOT, ensure_model, rasa_env

PYTHON = ROOT / ".venv" / "bin" / "python"
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
START_TIMEOUT_S = 180


@dataclass
class Stack:
    host: str = "127.0.0.1"
    gateway_port: int = 8000
    rasa_port: int = 5005
    actions_port: int = 5055
    data_dir: Path = ROOT / "var"
    extra_env: dict = field(default_factory=dict)
    processes: dict = field(default_factory=dict)

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    def env(self) -> dict:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return {
            **os.environ,
            "HOST": self.host, "PORT": str(self.gateway_port),
            "RASA_URL": self.rasa_url, "ACTIONS_URL": self.actions_url,
            "CARELINE_ACTIONS_URL": self.actions_url,
            # endpoints.yml names it: always an absolute path under the data dir, so Rasa writes nowhere else.
            "CARELINE_TRACKER_DB": str((self.data_dir / "tracker.db").resolve()),
            "CARELINE_DATA_DIR": str(self.data_dir),
            "SANIC_HOST": "127.0.0.1",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "TF_CPP_MIN_LOG_LEVEL": "3",
            **rasa_env(),
            **self.extra_env,
        }

    def start(self, gateway: bool = True) -> Stack:
        model = ensure_model()
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        self.start_actions()
        self._spawn("rasa", [str(RASA), "run", "--enable-api", "--model", str(model),
                             "--endpoints", "bot/endpoints.yml", "--credentials", "bot/credentials.yml",
                             "-i", "127.0.0.1", "-p", str(self.rasa_port)])
        if gateway:
            self._spawn("gateway", [str(PYTHON), "-m", "channels"])
        self.wait_ready(gateway)
        return self

    def start_actions(self) -> None:
        self._spawn("actions", [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions",
                                "-p", str(self.actions_port)])

    def _spawn(self, name: str, command: list[str]) -> None:
        log = open(self.data_dir / "logs" / f"{name}.log", "ab")  # noqa: SIM115 - the child process owns it
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env=self.env(), stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, gateway: bool = True) -> None:
        urls = {"actions": f"{self.actions_url}/health", "rasa": f"{self.rasa_url}/status"}
        if gateway:
            urls["gateway"] = f"{self.gateway_url}/healthz"
        deadline = time.monotonic() + START_TIMEOUT_S
        for name, url in urls.items():
            while not _answers(url):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.data_dir}/logs/{name}.log")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} did not start within {START_TIMEOUT_S}s")
                time.sleep(0.5)

    def stop_process(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process and process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def _stop_on_sigterm(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    stack = Stack(host=os.environ.get("HOST", "127.0.0.1"), gateway_port=int(os.environ.get("PORT", "8000")),
                  rasa_port=int(os.environ.get("RASA_PORT", "5005")),
                  actions_port=int(os.environ.get("ACTIONS_PORT", "5055")),
                  data_dir=NursingSettings().data_dir)
    print("starting CareLine (actions, Rasa, gateway) ...", flush=True)
    try:
        stack.start()
        print(f"CareLine is running. Chat API: POST {stack.gateway_url}/api/v1/chat  "
              f"(web chat: {stack.gateway_url}/chat). Ctrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in stack.processes.values()):
            time.sleep(1)
        print("a process stopped; shutting down", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
