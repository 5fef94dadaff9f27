#!/usr/bin/env python3
"""Generates the hostile-input corpus: broken or malicious state repositories, each with the
diagnostics reconcile must print. Run from this folder; commit what it writes.

Each case is a folder NN-name/ holding repo/ (the repository) and expected.txt (one
substring per line that stderr must contain; the first line is the command: plan or check).
Cases too large to commit (huge files) are built by the test itself from a `huge` marker.
"""
import os, shutil

BASE = {
    "reconcile.yaml": "format: 1\n",
    "hosts/gemini.yaml": "roles: [app]\n",
    "roles/app/role.yaml": "units:\n  app.service:\n    enable: true\n",
    "roles/app/units/app.service": "[Unit]\nDescription=App\n\n[Service]\nExecStart=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n",
}

cases = []

def case(name, expected, files=None, remove=(), symlinks=None, command="plan", binary=None, dirs=()):
    cases.append((name, expected, files or {}, remove, symlinks or {}, command, binary or {}, dirs))

# Path traversal and hostile names
case("unit-name-traversal", ["roles/app/role.yaml:3:3: error: unit name '../../etc/shadow.service' contains a character systemd does not allow"],
     {"roles/app/role.yaml": "units:\n  app.service: {}\n  ../../etc/shadow.service: {}\n"})
case("unit-name-absolute", ["roles/app/role.yaml:2:3: error: unit name '/etc/shadow' has no type suffix"],
     {"roles/app/role.yaml": "units:\n  /etc/shadow: {}\n"})
case("unit-name-encoded-separator", ["roles/app/role.yaml:2:3: error: unit name '..%2f..%2fetc.service' contains a character"],
     {"roles/app/role.yaml": "units:\n  ..%2f..%2fetc.service: {}\n"})
case("unit-name-control-character", ["roles/app/role.yaml:2:3: error: unit name 'app\\tx.service' contains a character"],
     {"roles/app/role.yaml": "units:\n  \"app\\tx.service\": {}\n"})
case("unit-name-nul", ["roles/app/role.yaml:2:3: error: unit name 'app\\0.service' contains a character"],
     {"roles/app/role.yaml": "units:\n  \"app\\0.service\": {}\n"})
case("unit-name-too-long", ["roles/app/role.yaml:2:3: error: unit name is longer than 255 bytes"],
     {"roles/app/role.yaml": "units:\n  " + "a" * 300 + ".service: {}\n"})
case("unit-name-two-ats", ["roles/app/role.yaml:2:3: error: unit name 'a@b@c.service' has more than one '@'"],
     {"roles/app/role.yaml": "units:\n  a@b@c.service: {}\n"})
case("unit-name-empty", ["roles/app/role.yaml:2:3: error: a unit name cannot be empty"],
     {"roles/app/role.yaml": "units:\n  \"\": {}\n"})
case("unit-file-unknown-suffix", ["roles/app/units/app.exe: error: unit name 'app.exe' has an unknown type suffix '.exe'"],
     {"roles/app/units/app.exe": "[Service]\nExecStart=/bin/true\n"})
case("unit-file-hidden", ["roles/app/units/.hidden.service: error: unit name '.hidden.service' starts with '.'"],
     {"roles/app/units/.hidden.service": "[Service]\nExecStart=/bin/true\n"})
case("role-name-traversal", ["hosts/gemini.yaml:1:9: error: '../hosts' is not a valid role name"],
     {"hosts/gemini.yaml": "roles: [../hosts]\n"})
case("role-name-absolute", ["hosts/gemini.yaml:1:9: error: '/etc' is not a valid role name"],
     {"hosts/gemini.yaml": "roles: [/etc]\n"})
case("drop-in-hidden-name", ["roles/app/units/app.service.d/.evil.conf: error: drop-in '.evil.conf' must be a file name ending in .conf"],
     {"roles/app/units/app.service.d/.evil.conf": "[Service]\nUser=root\n"})
case("drop-in-not-conf", ["roles/app/units/app.service.d/notes.txt: error: drop-in 'notes.txt' must be a file name ending in .conf"],
     {"roles/app/units/app.service.d/notes.txt": "hello\n"})
case("drop-in-for-unknown-unit", ["roles/app/units/ghost.service.d: error: drop-ins for ghost.service, which no layer ships"],
     {"roles/app/units/ghost.service.d/10-x.conf": "[Service]\nUser=root\n"})
case("drop-in-folder-bad-unit", ["roles/app/units/bad name.service.d: error: drop-in folder 'bad name.service.d' is not named after a valid unit"],
     {"roles/app/units/bad name.service.d/10-x.conf": "[Service]\nUser=root\n"})
case("unit-file-is-a-folder", ["roles/app/units/other.service: error: unexpected folder"],
     {"roles/app/units/other.service/x": "y\n"})
# Symlinks
case("symlink-unit-to-shadow", ["roles/app/units/evil.service: error: symlinks are not allowed in the repository"],
     symlinks={"roles/app/units/evil.service": "/etc/shadow"})
case("symlink-drop-in", ["roles/app/units/app.service.d/10-x.conf: error: symlinks are not allowed in the repository"],
     symlinks={"roles/app/units/app.service.d/10-x.conf": "/etc/passwd"}, dirs=("roles/app/units/app.service.d",))
case("symlink-role-file", ["roles/app/role.yaml: error: symlinks are not allowed in the repository"],
     remove=("roles/app/role.yaml",), symlinks={"roles/app/role.yaml": "/etc/passwd"})
case("symlink-host-file", ["hosts/gemini.yaml: error: symlinks are not allowed in the repository"],
     remove=("hosts/gemini.yaml",), symlinks={"hosts/gemini.yaml": "../roles/app/role.yaml"})
case("symlink-units-folder", ["roles/app/units: error: symlinks are not allowed in the repository"],
     remove=("roles/app/units/app.service",), symlinks={"roles/app/units": "/etc/systemd/system"}, files={"roles/app/role.yaml": "{}\n"})
case("symlink-repository-settings", ["reconcile.yaml: error: symlinks are not allowed in the repository"],
     remove=("reconcile.yaml",), symlinks={"reconcile.yaml": "/etc/hostname"})
# Unit syntax
case("unit-syntax-no-equals", ["roles/app/units/app.service:5:1: error: expected Key=Value, found 'ExecStart /bin/true'"],
     {"roles/app/units/app.service": "[Unit]\nDescription=App\n\n[Service]\nExecStart /bin/true\n"})
case("unit-syntax-bad-section", ["roles/app/units/app.service:1:1: error: invalid section header '[Unit'"],
     {"roles/app/units/app.service": "[Unit\nDescription=App\n"})
case("unit-syntax-outside-section", ["roles/app/units/app.service:1:1: error: assignment outside of any [Section]"],
     {"roles/app/units/app.service": "ExecStart=/bin/true\n"})
case("unit-syntax-bad-key", ["roles/app/units/app.service:2:1: error: invalid key 'Exec Start'"],
     {"roles/app/units/app.service": "[Service]\nExec Start=/bin/true\n"})
case("unit-syntax-in-drop-in", ["roles/app/units/app.service.d/10-x.conf:2:1: error: expected Key=Value"],
     {"roles/app/units/app.service.d/10-x.conf": "[Service]\nnonsense\n"})
case("unit-invalid-utf8", ["roles/app/units/app.service: error: unit file is not valid UTF-8"],
     binary={"roles/app/units/app.service": b"[Service]\nExecStart=/bin/\xff\xfe\n"})
# YAML
case("yaml-invalid-utf8", ["roles/app/role.yaml:2: error: file is not valid UTF-8"],
     binary={"roles/app/role.yaml": b"units:\n  app\xff.service: {}\n"})
case("yaml-alias-bomb", ["roles/app/role.yaml:", "error: too many YAML aliases"],
     {"roles/app/role.yaml": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
         "a%d: &a%d [%s]\n" % (i, i, ", ".join(["*a" if i == 1 else "*a%d" % (i - 1)] * 9)) for i in range(1, 10))})
case("yaml-duplicate-key-role", ["roles/app/role.yaml:", "error: duplicate key 'app.service' in a mapping"],
     {"roles/app/role.yaml": "units:\n  app.service: {}\n  app.service: {enable: true}\n"})
case("yaml-duplicate-key-host", ["hosts/gemini.yaml:", "error: duplicate key 'roles' in a mapping"],
     {"hosts/gemini.yaml": "roles: [app]\nroles: [app]\n"})
case("yaml-syntax-error", ["roles/app/role.yaml:", "error: YAML syntax"],
     {"roles/app/role.yaml": "units: [app.service\n"})
case("yaml-tab-indentation", ["roles/app/role.yaml:", "error: YAML syntax"],
     {"roles/app/role.yaml": "units:\n\tapp.service: {}\n"})
case("yaml-host-not-mapping", ["hosts/gemini.yaml:1:1: error: host 'gemini' must be a mapping, found a list"],
     {"hosts/gemini.yaml": "- app\n"})
case("yaml-units-a-list", ["roles/app/role.yaml:2:3: error: units of role 'app' must be a mapping, found a list"],
     {"roles/app/role.yaml": "units:\n  - app.service\n"})
case("yaml-unknown-section", ["roles/app/role.yaml:1:1: error: unknown key 'unit' in role 'app'", "did you mean 'units'?"],
     {"roles/app/role.yaml": "unit:\n  app.service: {}\n"})
case("yaml-unknown-unit-key", ["roles/app/role.yaml:3:5: error: unknown key 'enabel' in unit 'app.service'", "did you mean 'enable'?"],
     {"roles/app/role.yaml": "units:\n  app.service:\n    enabel: true\n"})
case("yaml-yes-is-not-a-boolean", ["roles/app/role.yaml:3:13: error: 'enable' of unit 'app.service' must be true or false, found 'yes'"],
     {"roles/app/role.yaml": "units:\n  app.service:\n    enable: yes\n"})
case("yaml-number-is-not-a-boolean", ["roles/app/role.yaml:3:13: error: 'enable' of unit 'app.service' must be true or false, found '1'"],
     {"roles/app/role.yaml": "units:\n  app.service:\n    enable: 1\n"})
case("yaml-roles-not-text", ["hosts/gemini.yaml:1:9: error: items of 'roles' of host 'gemini' must be text, found a mapping"],
     {"hosts/gemini.yaml": "roles: [{name: app}]\n"})
# Layers and resources
case("conflicting-layers-same-unit", ["roles/other/units/app.service: error: unit app.service is shipped by both role 'app' and role 'other'"],
     {"hosts/gemini.yaml": "roles: [app, other]\n", "roles/other/role.yaml": "{}\n",
      "roles/other/units/app.service": "[Service]\nExecStart=/bin/false\n"})
case("conflicting-layers-same-declaration", ["hosts/gemini.yaml:3:3: error: unit app.service is declared by both role 'app' and host 'gemini'"],
     {"hosts/gemini.yaml": "roles: [app]\nunits:\n  app.service: {enable: false}\n"})
case("conflicting-layers-same-drop-in", ["error: drop-in app.service.d/10-x.conf is shipped twice"],
     {"hosts/gemini.yaml": "roles: [app, other]\n", "roles/other/role.yaml": "{}\n",
      "roles/app/units/app.service.d/10-x.conf": "[Service]\nNice=5\n",
      "roles/other/units/app.service.d/10-x.conf": "[Service]\nNice=10\n"})
case("role-listed-twice", ["hosts/gemini.yaml:1:14: error: role 'app' is listed twice"],
     {"hosts/gemini.yaml": "roles: [app, app]\n"})
case("role-missing", ["hosts/gemini.yaml:1:14: error: role 'nothere' does not exist (roles/nothere/role.yaml is missing)"],
     {"hosts/gemini.yaml": "roles: [app, nothere]\n"})
case("declared-unit-not-shipped", ["roles/app/role.yaml:3:3: error: unit ap.service is declared but no layer ships ap.service", "did you mean 'app.service'?"],
     {"roles/app/role.yaml": "units:\n  app.service: {}\n  ap.service: {enable: true}\n"})
case("missing-repository-settings", ["reconcile.yaml: error: not a reconcile state repository: reconcile.yaml is missing"],
     remove=("reconcile.yaml",))
case("unsupported-format", ["reconcile.yaml:1:9: error: repository format 2 is not supported by this reconcile"],
     {"reconcile.yaml": "format: 2\n"})
case("format-with-leading-zero", ["reconcile.yaml:1:9: error: 'format' of the repository settings is '01': a leading zero is ambiguous"],
     {"reconcile.yaml": "format: 01\n"})
case("drift-policy-bad-mode", ["hosts/gemini.yaml:3:12: error: drift mode must be 'revert' or 'report', found 'ignore'"],
     {"hosts/gemini.yaml": "roles: [app]\ndrift:\n  default: ignore\n"})
case("drift-policy-unknown-module", ["hosts/gemini.yaml:4:5: error: no module named 'unit'"],
     {"hosts/gemini.yaml": "roles: [app]\ndrift:\n  modules:\n    unit: report\n"})
case("drift-policy-not-an-address", ["hosts/gemini.yaml:4:5: error: 'report.timer' is not a resource address"],
     {"hosts/gemini.yaml": "roles: [app]\ndrift:\n  resources:\n    report.timer: report\n"})
case("huge-unit-file", ["roles/app/units/huge.service: error: cannot read", "more than the limit of 1048576"],
     {"HUGE": "roles/app/units/huge.service"})
case("huge-yaml-file", ["roles/app/role.yaml: error: cannot read", "more than the limit of 1048576"],
     {"HUGE": "roles/app/role.yaml"})

here = os.path.dirname(os.path.abspath(__file__))
for index, (name, expected, files, remove, symlinks, command, binary, dirs) in enumerate(cases, 1):
    folder = os.path.join(here, "%02d-%s" % (index, name))
    shutil.rmtree(folder, ignore_errors=True)
    repo = os.path.join(folder, "repo")
    for path, text in BASE.items():
        os.makedirs(os.path.dirname(os.path.join(repo, path)), exist_ok=True)
        with open(os.path.join(repo, path), "w") as f:
            f.write(text)
    for path in remove:
        target = os.path.join(repo, path)
        if os.path.isdir(target) and not os.path.islink(target):
            shutil.rmtree(target)
        elif os.path.lexists(target):
            os.remove(target)
    for path in dirs:
        os.makedirs(os.path.join(repo, path), exist_ok=True)
    for path, text in files.items():
        if path == "HUGE":
            continue
        os.makedirs(os.path.dirname(os.path.join(repo, path)), exist_ok=True)
        with open(os.path.join(repo, path), "w") as f:
            f.write(text)
    for path, data in binary.items():
        with open(os.path.join(repo, path), "wb") as f:
            f.write(data)
    for path, target in symlinks.items():
        full = os.path.join(repo, path)
        if path == "roles/app/units":
            shutil.rmtree(full, ignore_errors=True)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        os.symlink(target, full)
    with open(os.path.join(folder, "expected.txt"), "w") as f:
        f.write(command + "\n")
        if "HUGE" in files:
            f.write("huge " + files["HUGE"] + "\n")
        for line in expected:
            f.write(line + "\n")
print(len(cases), "cases")
