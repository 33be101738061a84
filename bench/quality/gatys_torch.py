"""The reference procedure of issue 13, in PyTorch, for `npm run bench -- --quality --torch PYTHON`.

L-BFGS (history 100, strong Wolfe line search) on content + 3*style + 0.01*TV, in the yardstick's terms
(bench/quality/yardstick.ts), computed on the picture clamped to 0..255, starting from the photo, on the same
VGG19 weights. The image is optimised in 0..1: torch's first step, min(1, 1/|g|_1), is below float32 resolution
at 0..255. Debian's python3-torch (1.13) is the version the issue measured; numpy and Pillow come with it.

  python3 gatys_torch.py VGG19_DIR PHOTO PAINTING WIDTH HEIGHT ITERATIONS OUT.png THREADS

Prints one JSON line: {"iterations", "evaluations", "seconds"} (the optimisation alone, not the set-up).
"""
import json
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

BLOCK_CONVS = [2, 2, 4, 4, 1]
STYLE_LAYERS = ['block1_conv1', 'block2_conv1', 'block3_conv1', 'block4_conv1', 'block5_conv1']
CONTENT_LAYER = 'block4_conv2'
CAFFE_MEAN_BGR = torch.tensor([103.939, 116.779, 123.68]).view(1, 3, 1, 1)
STYLE_WEIGHT = 3
TV_WEIGHT = 0.01


def load_convs(vgg_dir):
    """VGG19's conv layers up to block5_conv1 from the tfjs layers model: (name, OIHW kernel, bias, pool after)."""
    with open(f'{vgg_dir}/model.json') as f:
        manifest = json.load(f)['weightsManifest'][0]
    blob = b''.join(open(f'{vgg_dir}/{path}', 'rb').read() for path in manifest['paths'])
    tensors, offset = {}, 0
    for entry in manifest['weights']:
        count = int(np.prod(entry['shape']))
        tensors[entry['name']] = np.frombuffer(blob, np.float32, count, offset).reshape(entry['shape'])
        offset += 4 * count
    convs = []
    for block, count in enumerate(BLOCK_CONVS, 1):
        for index in range(1, count + 1):
            name = f'block{block}_conv{index}'
            kernel = torch.from_numpy(tensors[f'{name}/kernel'].transpose(3, 2, 0, 1).copy())
            bias = torch.from_numpy(tensors[f'{name}/bias'].copy())
            convs.append((name, kernel, bias, index == count and block < len(BLOCK_CONVS)))
    return convs


def features(convs, rgb255):
    h = rgb255[:, [2, 1, 0]] - CAFFE_MEAN_BGR
    out = {}
    for name, kernel, bias, pool in convs:
        h = torch.relu(F.conv2d(h, kernel, bias, padding=1))
        out[name] = h
        if pool:
            h = F.max_pool2d(h, 2)
    return out


def gram(f):
    channels, positions = f.shape[1], f.shape[2] * f.shape[3]
    v = f.view(channels, positions)
    return v @ v.t() / positions


def tensor_of(image):
    return torch.from_numpy(np.asarray(image, np.float32).transpose(2, 0, 1).copy()).unsqueeze(0)


def main():
    vgg_dir, photo_path, painting_path, width, height, iterations, out_path, threads = sys.argv[1:9]
    width, height, iterations = int(width), int(height), int(iterations)
    torch.set_num_threads(int(threads))
    convs = load_convs(vgg_dir)
    photo = Image.open(photo_path).convert('RGB').resize((width, height), Image.LANCZOS)
    painting = Image.open(painting_path).convert('RGB')
    scale = max(width, height) / max(painting.size)
    painting = painting.resize((round(painting.width * scale), round(painting.height * scale)), Image.LANCZOS)

    started = time.perf_counter()
    photo_t = tensor_of(photo)
    with torch.no_grad():
        content_target = features(convs, photo_t)[CONTENT_LAYER]
        painting_features = features(convs, tensor_of(painting))
        style_targets = [gram(painting_features[layer]) for layer in STYLE_LAYERS]

    x = (photo_t / 255).clone().requires_grad_(True)
    # The tolerances off: the issue counts iterations, and these relative losses have gradients below torch's 1e-7.
    optimizer = torch.optim.LBFGS(
        [x], lr=1, max_iter=iterations, history_size=100, line_search_fn='strong_wolfe',
        tolerance_grad=0, tolerance_change=0,
    )
    evaluations = 0

    def closure():
        nonlocal evaluations
        evaluations += 1
        optimizer.zero_grad()
        f = features(convs, (x * 255).clamp(0, 255))
        content = ((f[CONTENT_LAYER] - content_target) ** 2).sum() / (content_target ** 2).sum()
        style = sum(
            ((gram(f[layer]) - target) ** 2).sum() / (target ** 2).sum()
            for layer, target in zip(STYLE_LAYERS, style_targets)
        ) / len(STYLE_LAYERS)
        tv = ((x[..., 1:, :] - x[..., :-1, :]) ** 2).mean() + ((x[..., :, 1:] - x[..., :, :-1]) ** 2).mean()
        loss = content + STYLE_WEIGHT * style + TV_WEIGHT * tv
        loss.backward()
        return loss

    optimizer.step(closure)
    seconds = time.perf_counter() - started
    pixels = (x.detach() * 255).clamp(0, 255).round().squeeze(0).numpy().transpose(1, 2, 0).astype(np.uint8)
    Image.fromarray(pixels).save(out_path)
    print(json.dumps({'iterations': iterations, 'evaluations': evaluations, 'seconds': seconds}), flush=True)


if __name__ == '__main__':
    main()
