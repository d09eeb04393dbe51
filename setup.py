"""Maps the top-level folders to the `webtwin.*` import names (metadata is in pyproject.toml).

Packages are found, not listed, so a new site folder under `simulators/` needs no edit here.
"""

from setuptools import find_packages, setup

ROOTS = {"webtwin.simulators": "simulators", "webtwin.envs": "envs", "webtwin.seeds": "seeds"}
DATA = ["templates/**/*", "static/**/*", "data/*.json", "*.json", "golden/*.json"]

packages: list[str] = []
package_dir: dict[str, str] = {}
for name, folder in ROOTS.items():
    package_dir[name] = folder
    packages += [name] + [f"{name}.{sub}" for sub in find_packages(folder, exclude=["*.tests"])]

setup(packages=packages, package_dir=package_dir,
      package_data={name: DATA for name in packages})
