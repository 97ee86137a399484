"""The LeNet-5 of MindSpore's quick start, ported by replacing the word ``mindspore``.

Builds the network (its parameters stay lazy until first use), runs one forward pass
on a batch of 32x32 images and prints the parameters and the predicted classes.

Run: ``python examples/lenet_quickstart.py``
"""

import numpy as np

import gpuparam
from gpuparam import Tensor, context, nn
from gpuparam.common.initializer import Normal


class LeNet5(nn.Cell):
    """LeNet-5: two 5x5 convolutions with max pooling, then three dense layers."""

    def __init__(self, num_class=10, num_channel=1):
        super(LeNet5, self).__init__()
        self.conv1 = nn.Conv2d(num_channel, 6, 5, pad_mode='valid')
        self.conv2 = nn.Conv2d(6, 16, 5, pad_mode='valid')
        self.fc1 = nn.Dense(16 * 5 * 5, 120, weight_init=Normal(0.02))
        self.fc2 = nn.Dense(120, 84, weight_init=Normal(0.02))
        self.fc3 = nn.Dense(84, num_class, weight_init=Normal(0.02))
        self.relu = nn.ReLU()
        self.max_pool2d = nn.MaxPool2d(kernel_size=2, stride=2)
        self.flatten = nn.Flatten()

    def construct(self, x):
        x = self.max_pool2d(self.relu(self.conv1(x)))
        x = self.max_pool2d(self.relu(self.conv2(x)))
        x = self.flatten(x)
        x = self.relu(self.fc1(x))
        x = self.relu(self.fc2(x))
        x = self.fc3(x)
        return x


if __name__ == "__main__":
    gpuparam.set_seed(1)
    context.set_context(mode=context.PYNATIVE_MODE)
    net = LeNet5()
    net.set_train()
    for name, param in net.parameters_and_names():
        print(f"{name:12s} {param.shape}")
    images = Tensor(np.random.default_rng(0).random((4, 1, 32, 32), dtype=np.float32))
    logits = net(images)
    print("logits:", logits.shape, logits.dtype)
    print("predicted classes:", logits.argmax(axis=1))
