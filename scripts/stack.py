"""Start and stop the three processes: action server, Rasa, gateway (scripts/stack_scaled.py builds on this)."""

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
    commands: dict = field(default_factory=dict)
    start_timeout_s: float = START_TIMEOUT_S

    @property
    def gateway_url(self) -> str:
        return f"http://{self.host}:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def actions_url(self) -> str:
        return f"http://127.0.0.1:{self.actions_port}"

    @property
    def actions_metrics_ports(self) -> list[int]:
        """Where each action server serves its Prometheus metrics: the port after the action server's."""
        return [self.actions_port + 1]

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
        self.start_actions()
        self.spawn("rasa", rasa_command(model, "bot/endpoints.yml", self.rasa_port))
        if gateway:
            self.spawn("gateway", [str(PYTHON), "-m", "channels"])
        self.wait_ready(gateway)
        return self

    def start_actions(self) -> None:
        self.spawn("actions", actions_command(self.actions_port), **actions_metrics_env(self.actions_metrics_ports[0]))

    def spawn(self, name: str, command: list[str], **env: str) -> None:
        """Start a process in its own session (stopped with its children), logging to the data dir; `env` adds to
        the stack's environment for this process only."""
        self.commands[name] = (command, env)
        logs = self.data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        log = open(logs / f"{name}.log", "ab")  # noqa: SIM115 - the child process owns it
        self.processes[name] = subprocess.Popen(command, cwd=ROOT, env={**self.env(), **env}, stdout=log,
                                                stderr=subprocess.STDOUT, start_new_session=True)

    def wait_ready(self, gateway: bool = True) -> None:
        urls = {"actions": f"{self.actions_url}/health", "rasa": f"{self.rasa_url}/status"}
        if gateway:
            urls["gateway"] = f"{self.gateway_url}/healthz"
        self.wait_for(urls)

    def wait_for(self, urls: dict[str, str]) -> None:
        """Each named process answers its URL, within start_timeout_s for all; one that exits is reported."""
        deadline = time.monotonic() + self.start_timeout_s
        for name, url in urls.items():
            while not _answers(url):
                process = self.processes[name]
                if process.poll() is not None:
                    raise RuntimeError(f"{name} exited with {process.returncode}; see {self.data_dir}/logs/{name}.log")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{name} did not start within {self.start_timeout_s}s")
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

    def kill_process(self, name: str) -> None:
        """SIGKILL, as a crash or an out-of-memory kill would: no clean shutdown (scripts/fault_test.py)."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def restart_process(self, name: str) -> None:
        """Start a stopped process again as it was first spawned; wait_ready() says when it answers."""
        command, env = self.commands[name]
        self.spawn(name, command, **env)

    def stop(self) -> None:
        for name in list(self.processes):
            self.stop_process(name)


def rasa_command(model: Path, endpoints: str, port: int) -> list[str]:
    return [str(RASA), "run", "--enable-api", "--model", str(model), "--endpoints", endpoints,
            "--credentials", "bot/credentials.yml", "-i", "127.0.0.1", "-p", str(port)]


def actions_command(port: int) -> list[str]:
    return [str(PYTHON), "-m", "rasa_sdk", "--actions", "actions", "-p", str(port)]


def actions_metrics_env(port: int) -> dict[str, str]:
    """An action server's metrics port, unless ACTIONS_METRICS_PORT=0 turns the action servers' metrics off."""
    return {"ACTIONS_METRICS_PORT": "0" if os.environ.get("ACTIONS_METRICS_PORT") == "0" else str(port)}


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).ok
    except requests.RequestException:
        return False


def _stop_on_sigterm(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    stack = Stack(host=os.environ.get("HOST", "127.0.0.1"), gateway_port=int(os.environ.get("PORT", "8000")),
                  rasa_port=int(os.environ.get("RASA_PORT", "5005")),
                  actions_port=int(os.environ.get("ACTIONS_PORT", "5055")),
                  data_dir=NursingSettings().data_dir)
    print("starting CareLine (actions, Rasa, gateway) ...", flush=True)
    return run_until_interrupted(stack)


def run_until_interrupted(stack: Stack) -> int:
    """Start the stack, say where it listens, and keep it until Ctrl-C (or SIGTERM) or one of its processes stops."""
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
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
