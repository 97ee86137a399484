"""Written for this example, not copied: the original
src/model_utils/config.py reads a YAML file and the command line. resnet.py reads only
these two fields of it."""
from types import SimpleNamespace

config = SimpleNamespace(net_name="resnet18", optimizer="Momentum")
