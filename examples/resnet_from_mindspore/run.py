"""ResNet from MindSpore's model zoo on gpuparam: build, load MindSpore's checkpoint, compare.

``resnet.py`` is mindspore-ai/models' ``official/cv/ResNet/src/resnet.py`` with the word
``mindspore`` replaced by ``gpuparam`` (its first lines say from which commit). This
script builds a small ResNet-18-shaped network from it (one residual block per stage,
narrow channels: the configuration ``tools/make_mindspore_networks.py`` gave MindSpore),
loads the checkpoint MindSpore 2.10 wrote for that network
(``tests/data/mindspore/nets/resnet_tiny.ckpt``), runs it forward in eval mode on the
input MindSpore used, and compares with MindSpore's output. It runs on every backend
gpuparam can use here: the CPU (NumPy) and, when one is usable, the GPU (CuPy).

``src/model_utils/config.py`` is written for this example: the model zoo's version reads
a YAML file and the command line, and ``resnet.py`` reads only two fields of it.

Run: ``python examples/resnet_from_mindspore/run.py``
"""

import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent.parent / "tests" / "data" / "mindspore" / "nets"
sys.path.insert(0, str(HERE))

import gpuparam  # noqa: E402
from gpuparam import Tensor, context  # noqa: E402
from resnet import ResNet, ResidualBlockBase  # noqa: E402


def build() -> ResNet:
    """The network MindSpore saved (the call in tests/data/mindspore/nets/resnet_tiny.json)."""
    return ResNet(ResidualBlockBase, [1, 1, 1, 1], [64, 16, 16, 32], [16, 16, 32, 32],
                  [1, 2, 2, 2], 10, res_base=True)


def run(device_target: str) -> float:
    context.set_context(device_target=device_target)
    net = build()
    not_loaded, _ = gpuparam.load_param_into_net(
        net, gpuparam.load_checkpoint(str(DATA / "resnet_tiny.ckpt")))
    if not_loaded:
        raise SystemExit(f"parameters not in MindSpore's checkpoint: {not_loaded}")
    net.set_train(False)
    reference = np.load(DATA / "resnet_tiny.npz")
    output = net(Tensor(reference["input.0"])).asnumpy()
    difference = float(np.abs(output - reference["output.0"]).max())
    print(f"{device_target}: output {output.shape}, predicted classes "
          f"{output.argmax(axis=1).tolist()}, largest difference from MindSpore "
          f"{difference:.2e}")
    return difference


if __name__ == "__main__":
    targets = ["CPU"]
    try:
        context.set_context(device_target="GPU")
        targets.append("GPU")
    except (RuntimeError, ValueError):
        pass                          # no usable GPU here: the CPU run is the whole check
    worst = max(run(target) for target in targets)
    # float32 rounding over a few thousand accumulated products per output
    sys.exit(0 if worst < 1e-4 else f"outputs differ from MindSpore's by {worst:.2e}")
