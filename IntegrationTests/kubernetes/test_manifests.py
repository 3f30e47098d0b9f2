"""The deploy/ manifests and the example CRs, checked offline as a cluster would check them:

- `kubectl kustomize deploy/` renders;
- every manifest under deploy/ (and the rendered kustomization) passes kubernetes-validate in strict
  mode (unknown fields are errors) against the Kubernetes schemas it ships;
- every Aeraki CR under examples/ validates against its CRD's openAPIV3Schema, with unknown fields
  rejected (as `kubectl apply --validate=strict` does), and the CRDs are up to date with proto/.
"""
import copy
import glob
import os
import shutil
import subprocess
import sys

import jsonschema
import pytest
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
DEPLOY = os.path.join(REPO, "deploy")
K8S_VERSION = "1.30.0"


def documents(path):
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d]


def manifest_files():
    return sorted(p for p in glob.glob(os.path.join(DEPLOY, "**", "*.yaml"), recursive=True)
                  if os.path.basename(p) != "kustomization.yaml")


def crds():
    return {(d["spec"]["group"], d["spec"]["names"]["kind"]): d
            for p in glob.glob(os.path.join(DEPLOY, "crds", "*.yaml")) for d in documents(p)
            if d.get("kind") == "CustomResourceDefinition"}


def kubectl():
    binary = shutil.which("kubectl")
    if not binary:
        pytest.fail("kubectl not found: Scripts/install-deps.sh installs Debian's kubernetes-client")
    return binary


def test_kustomization_renders_every_piece():
    out = subprocess.run([kubectl(), "kustomize", DEPLOY], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    rendered = [d for d in yaml.safe_load_all(out.stdout) if d]
    kinds = sorted(d["kind"] for d in rendered)
    assert kinds.count("CustomResourceDefinition") == 5
    for kind in ["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Deployment", "Service"]:
        assert kind in kinds, kinds


@pytest.mark.parametrize("path", manifest_files(), ids=lambda p: os.path.relpath(p, DEPLOY))
def test_manifest_passes_strict_schema_validation(path):
    out = subprocess.run([sys.executable, "-m", "kubernetes_validate", "--strict", "-k", K8S_VERSION, path],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_rendered_kustomization_passes_strict_schema_validation(tmp_path):
    out = subprocess.run([kubectl(), "kustomize", DEPLOY], capture_output=True, text=True, timeout=60, check=True)
    rendered = tmp_path / "rendered.yaml"
    rendered.write_text(out.stdout)
    check = subprocess.run([sys.executable, "-m", "kubernetes_validate", "--strict", "-k", K8S_VERSION, str(rendered)],
                           capture_output=True, text=True, timeout=120)
    assert check.returncode == 0, check.stdout + check.stderr


def structural(schema):
    """The CRD schema as JSON Schema that rejects unknown fields (strict field validation)."""
    schema = copy.deepcopy(schema)

    def walk(node):
        if not isinstance(node, dict):
            return
        node.pop("nullable", None)
        if node.pop("x-kubernetes-int-or-string", False):
            node["anyOf"] = [{"type": "integer"}, {"type": "string"}]
        if "properties" in node and not node.get("x-kubernetes-preserve-unknown-fields"):
            node.setdefault("additionalProperties", False)
        for key in ("properties",):
            for child in node.get(key, {}).values():
                walk(child)
        for key in ("items", "additionalProperties"):
            walk(node.get(key))
    walk(schema)
    schema["properties"]["metadata"] = {"type": "object"}
    return schema


def example_crs():
    found = []
    for path in sorted(glob.glob(os.path.join(REPO, "examples", "**", "*.yaml"), recursive=True)):
        for i, doc in enumerate(documents(path)):
            group = doc.get("apiVersion", "").split("/")[0]
            if group.endswith("aeraki.io"):
                found.append(pytest.param(doc, id=f"{os.path.basename(path)}#{i + 1}-{doc['kind']}"))
    return found


def test_examples_hold_every_aeraki_kind():
    kinds = {p.values[0]["kind"] for p in example_crs()}
    assert kinds == {k for _, k in crds()}, kinds


@pytest.mark.parametrize("doc", example_crs())
def test_example_cr_validates_against_its_crd(doc):
    group, version = doc["apiVersion"].split("/")
    crd = crds()[(group, doc["kind"])]
    served = {v["name"]: v for v in crd["spec"]["versions"]}
    assert version in served, f"{doc['apiVersion']} is not served by {crd['metadata']['name']}"
    schema = structural(served[version]["schema"]["openAPIV3Schema"])
    jsonschema.validate(doc, schema)
    namespaced = crd["spec"]["scope"] == "Namespaced"
    assert ("namespace" in doc["metadata"]) == namespaced, "namespace must be set exactly for namespaced kinds"


def test_a_cr_breaking_a_webhook_rule_fails_its_crd_schema():
    crd = crds()[("metaprotocol.aeraki.io", "MetaRouter")]
    schema = structural(crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"])
    bad = {"apiVersion": "metaprotocol.aeraki.io/v1alpha1", "kind": "MetaRouter", "metadata": {"name": "x", "namespace": "y"},
           "spec": {"hosts": ["a.b", "c.d"], "routes": [{"route": [{"destination": {"host": "a.b"}, "weight": 101}]}]}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)
    unknown = copy.deepcopy(bad)
    unknown["spec"] = {"hosts": ["a.b"], "routez": []}
    with pytest.raises(jsonschema.ValidationError, match="routez"):
        jsonschema.validate(unknown, schema)


def test_crds_are_generated_from_the_current_protos(tmp_path):
    before = {p: open(p).read() for p in glob.glob(os.path.join(DEPLOY, "crds", "*.yaml"))}
    subprocess.run([sys.executable, os.path.join(REPO, "Scripts", "generate-crds.py")], check=True, capture_output=True)
    after = {p: open(p).read() for p in glob.glob(os.path.join(DEPLOY, "crds", "*.yaml"))}
    assert before == after, "deploy/crds is stale: run Scripts/generate-crds.py"
