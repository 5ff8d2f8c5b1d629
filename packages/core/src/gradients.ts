/**
 * Gradients for autodiff. tf.grad, tf.variableGrads and optimizer.minimize need a gradient in
 * tfjs-core's gradient registry (`registerGradient`) for every kernel on the tape (nn's ops are
 * tf.customGrad functions and need none). tfjs-core's CommonJS entry, the one Node loads,
 * registers none, and its `register_all_gradients` module (4.22.0) ships only as ES module
 * sources with extension-less imports, which Node can neither require nor import. The Node
 * bundle of `@tensorflow/tfjs` registers all of tfjs-core's gradients through tfjs-core's
 * `registerGradient` when it is loaded, so it is loaded here, once, for that.
 */
import '@tensorflow/tfjs';
