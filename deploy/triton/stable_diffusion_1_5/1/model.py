"""Stable Diffusion 1.5 for Triton's Python backend, with the tensor contract Lucid's pipeline generator uses.

NEEDS YOUR WEIGHTS: nothing here downloads a model. Put a diffusers-format Stable Diffusion folder (for
example a local copy of a v1.5 checkpoint you are licensed to use) where the `weights` parameter of
config.pbtxt points (default /models/weights/stable-diffusion-v1-5), and run Triton from an image that has
torch (CUDA) and diffusers installed on top of nvcr.io/nvidia/tritonserver:<release>-py3.

Inputs (batch of 1): prompt BYTES [1,1]; optional negative_prompt BYTES [1,1], seed INT64 [1,1],
steps INT32 [1,1], guidance_scale FP32 [1,1]. Output: generated_image UINT8 [1,H,W,3].
The same seed, prompt and parameters give the same image on the same GPU, software and dtype.
"""
import json

import numpy as np
import triton_python_backend_utils as pb_utils


def _param(config, key, default):
    value = config.get("parameters", {}).get(key, {}).get("string_value")
    return default if value in (None, "") else value


class TritonPythonModel:
    def initialize(self, args):
        import torch
        import diffusers

        config = json.loads(args["model_config"])
        self.height = int(_param(config, "image_height", "512"))
        self.width = int(_param(config, "image_width", "512"))
        self.steps = int(_param(config, "steps", "30"))
        self.guidance = float(_param(config, "guidance_scale", "7.5"))
        dtype = torch.float16 if _param(config, "dtype", "float16") == "float16" else torch.float32
        weights = _param(config, "weights", "/models/weights/stable-diffusion-v1-5")
        device_id = args.get("model_instance_device_id", "0")
        self.device = f"cuda:{device_id}" if args.get("model_instance_kind") == "GPU" else "cpu"
        # local_files_only: fail clearly instead of reaching for the internet when the weights are missing.
        self.pipe = diffusers.StableDiffusionPipeline.from_pretrained(
            weights, torch_dtype=dtype, local_files_only=True, safety_checker=None)
        scheduler = getattr(diffusers, _param(config, "scheduler", "DDIMScheduler"))
        self.pipe.scheduler = scheduler.from_config(self.pipe.scheduler.config)
        self.pipe = self.pipe.to(self.device)
        self.pipe.set_progress_bar_config(disable=True)
        self.torch = torch

    @staticmethod
    def _text(request, name):
        tensor = pb_utils.get_input_tensor_by_name(request, name)
        if tensor is None:
            return None
        value = tensor.as_numpy().reshape(-1)[0]
        return value.decode("utf-8") if isinstance(value, bytes) else str(value)

    @staticmethod
    def _number(request, name, default, kind):
        tensor = pb_utils.get_input_tensor_by_name(request, name)
        return default if tensor is None else kind(tensor.as_numpy().reshape(-1)[0])

    def execute(self, requests):
        responses = []
        for request in requests:
            try:
                prompt = self._text(request, "prompt")
                if not prompt or len(prompt) > 4096:
                    raise ValueError("prompt must be 1..4096 characters")
                negative = self._text(request, "negative_prompt") or None
                seed = self._number(request, "seed", 0, int)
                steps = self._number(request, "steps", self.steps, int)
                guidance = self._number(request, "guidance_scale", self.guidance, float)
                if not 1 <= steps <= 500:
                    raise ValueError(f"steps must be 1..500, got {steps}")
                generator = self.torch.Generator(device=self.device).manual_seed(seed)
                image = self.pipe(prompt, negative_prompt=negative, num_inference_steps=steps,
                                  guidance_scale=guidance, height=self.height, width=self.width,
                                  generator=generator, output_type="np").images[0]
                pixels = np.clip(np.rint(image * 255.0), 0, 255).astype(np.uint8)[np.newaxis, ...]
                responses.append(pb_utils.InferenceResponse(
                    output_tensors=[pb_utils.Tensor("generated_image", pixels)]))
            except Exception as e:  # one bad request must not fail the others of the batch
                responses.append(pb_utils.InferenceResponse(output_tensors=[], error=pb_utils.TritonError(str(e))))
        return responses

    def finalize(self):
        self.pipe = None
